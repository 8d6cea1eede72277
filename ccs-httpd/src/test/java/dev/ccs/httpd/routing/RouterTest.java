package dev.ccs.httpd.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

  private static final ApiHandler A = request -> null;
  private static final ApiHandler B = request -> null;
  private static final ApiHandler C = request -> null;

  @Test
  void capturesSegmentsAndPrefersLiterals() {
    Router router = new Router().get("/api/sessions/{id}", A).get("/api/sessions/search", B)
        .get("/api/projects/{*path}", C);

    Router.Match byId = router.match("GET", "/api/sessions/123");
    assertThat(byId.handler()).isSameAs(A);
    assertThat(byId.params()).isEqualTo(Map.of("id", "123"));
    assertThat(router.match("GET", "/api/sessions/search").handler()).isSameAs(B);
    assertThat(router.match("GET", "/api/projects/srv/a%20b/c").params()).isEqualTo(Map.of("path", "srv/a b/c"));
  }

  @Test
  void decodesEscapesWithoutTurningThemIntoSeparators() {
    Router router = new Router().get("/x/{id}", A);

    assertThat(router.match("GET", "/x/a%2Fb").params()).isEqualTo(Map.of("id", "a/b"));
    assertThat(router.match("GET", "/x/caf%C3%A9+1").params()).isEqualTo(Map.of("id", "café+1"));
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405WithAllow() {
    Router router = new Router().get("/api/tasks/{id}", A).delete("/api/tasks/{id}", B);

    assertThatThrownBy(() -> router.match("GET", "/api/nothing"))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> router.match("POST", "/api/tasks/1"))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.status()).isEqualTo(405);
          assertThat(e.headers()).containsEntry("Allow", "GET, DELETE");
        });
    assertThat(router.match("HEAD", "/api/tasks/1").handler()).isSameAs(A);
  }

  @Test
  void duplicateRoutesAreRefused() {
    Router router = new Router().get("/a/{x}", A);

    assertThatThrownBy(() -> router.get("/a/{y}", B)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already exists");
  }
}
