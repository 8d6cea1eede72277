package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.testkit.FakeClaude;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every answer carries {@code X-Request-Id}, and an error's body names it. */
@Timeout(60)
class RequestIdTest {

  @TempDir
  Path temp;

  private TestServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private TestServer.Reply get(String path, String requestId) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path));
    if (requestId != null) {
      request.header("X-Request-Id", requestId);
    }
    return server.send(request);
  }

  @Test
  void aSafeIdIsEchoedAnyOtherIsReplacedAndErrorsQuoteIt() {
    server = TestServer.start(TestServer.config(temp.resolve("home"), FakeClaude.create(temp).executable()));

    String generated = get("/health", null).response().headers().firstValue("x-request-id").orElseThrow();
    assertThat(generated).matches("req_[0-9a-f]{24}");
    assertThat(get("/health", null).response().headers().firstValue("x-request-id")).isNotEqualTo(
        java.util.Optional.of(generated));
    assertThat(get("/health", "trace-42.a:b").response().headers().firstValue("x-request-id"))
        .contains("trace-42.a:b");
    String unsafe = get("/health", "x\"><script>").response().headers().firstValue("x-request-id").orElseThrow();
    assertThat(unsafe).startsWith("req_");
    assertThat(get("/health", "x".repeat(129)).response().headers().firstValue("x-request-id").orElseThrow())
        .startsWith("req_");

    TestServer.Reply missing = get("/api/sessions/00000000-0000-4000-8000-000000000000", "lookup-1");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.response().headers().firstValue("x-request-id")).contains("lookup-1");
    assertThat(missing.json().path("request_id").asText()).isEqualTo("lookup-1");
    assertThat(missing.json().path("success").asBoolean()).isFalse();
    TestServer.Reply bad = server.post("/api/messages", "{");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("request_id").asText())
        .isEqualTo(bad.response().headers().firstValue("x-request-id").orElseThrow());
  }
}
