package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.ccs.core.config.AuthConfig;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.SecurityConfig;
import dev.ccs.core.json.Json;
import dev.ccs.httpd.docs.OpenApiDocument;
import dev.ccs.httpd.routing.Router;
import dev.ccs.testkit.FakeClaude;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document lists every route of the router and nothing else, is valid OpenAPI 3.0
 * (checked against the OpenAPI Initiative's JSON Schema), and Swagger UI is served from the jar
 * with every file its page references; {@code security.swaggerDocs.enabled: false} closes both.
 */
@Timeout(60)
class DocsApiTest {

  @TempDir
  Path temp;

  private TestServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private CcsConfig config() {
    return TestServer.config(temp.resolve("home"), FakeClaude.create(temp).executable());
  }

  @Test
  void theDocumentHasEveryRouteAndOnlyThose() throws Exception {
    server = TestServer.start(config());
    JsonNode doc = server.get("/api-docs.json").json();
    List<Router.Route> routes = CcsHttpServer.routes(server.ccs(), new dev.ccs.httpd.metrics.HttpMetrics()).routes();

    Set<String> documented = new HashSet<>();
    doc.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(
        method -> documented.add(method.toUpperCase() + " " + path.getKey())));
    Set<String> routed = new HashSet<>();
    for (Router.Route route : routes) {
      routed.add(route.method() + " " + route.pattern().replace("{*", "{"));
    }
    assertThat(documented).isEqualTo(routed);
    assertThat(routes).hasSizeGreaterThan(50);
    // No description for a route that is gone.
    Set<String> described = new HashSet<>();
    OpenApiDocument.descriptions().path("operations").fieldNames().forEachRemaining(described::add);
    assertThat(described).isEqualTo(new HashSet<>(routes.stream().map(r -> r.method() + " " + r.pattern()).toList()));

    JsonNode send = doc.at("/paths/~1api~1messages/post");
    assertThat(send.at("/requestBody/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/MessageRequest");
    assertThat(send.at("/responses/429/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/Error");
    assertThat(doc.at("/paths/~1api~1keys/get/x-required-scope").asText()).isEqualTo("admin");
    assertThat(doc.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
    assertThat(doc.at("/paths/~1api~1sessions~1{id}/get/parameters/0/name").asText()).isEqualTo("id");
  }

  @Test
  void theDocumentIsValidOpenApi() throws Exception {
    server = TestServer.start(config());
    JsonNode doc = server.get("/api-docs.json").json();
    JsonSchema schema;
    try (InputStream in = DocsApiTest.class.getResourceAsStream("/openapi/oas-3.0-schema.json")) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
    }
    Set<ValidationMessage> problems = schema.validate(doc);
    assertThat(problems).isEmpty();

    // The check finds a broken document.
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc.at("/paths/~1health/get")).remove("responses");
    assertThat(schema.validate(doc)).isNotEmpty();
  }

  @Test
  void swaggerUiIsServedFromTheJarWithEveryFileItReferences() {
    server = TestServer.start(config());
    TestServer.Reply page = server.get("/api-docs");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    // Scripts from the server only, none inline, and the page's own script fetches the document.
    assertThat(page.header("Content-Security-Policy")).contains("script-src 'self';", "frame-ancestors 'none'")
        .doesNotContain("unsafe-eval");
    assertThat(page.text()).doesNotContain("<script>").contains("src=\"/api-docs/ccs-docs.js\"");
    assertThat(server.get("/api-docs/ccs-docs.js").text()).contains("fetch(\"/api-docs.json\"");
    Matcher refs = Pattern.compile("(?:href|src)=\"([^\"]+)\"").matcher(page.text());
    List<String> assets = new ArrayList<>();
    while (refs.find()) {
      assets.add(refs.group(1));
    }
    assertThat(assets).contains("/api-docs/swagger-ui-bundle.js", "/api-docs/swagger-ui.css");
    for (String asset : assets) {
      TestServer.Reply reply = server.get(asset);
      assertThat(reply.status()).as(asset).isEqualTo(200);
      assertThat(reply.text().length()).as(asset).isGreaterThan(100);
    }
    assertThat(server.get("/api-docs/pom.xml").status()).isEqualTo(404);
    assertThat(server.get("/api-docs/..%2F..%2Fversion.properties").status()).isIn(400, 404);
  }

  /**
   * Node defect #8: the docs were public whatever the auth settings. With authentication on, the
   * page (which holds nothing of the server) opens, but the document wants a key unless the
   * operator publishes it with {@code security.swaggerDocs.public}; switched off, both are gone.
   */
  @Test
  void withAuthTheDocumentWantsAKeyUnlessPublishedAndOffMeansGone() {
    String secret = "ccs_sk_docs-test-secret-0123456789";
    String bearer = "Bearer " + dev.ccs.core.auth.ApiKeys.legacyKey(secret);
    server = TestServer.start(config().toBuilder()
        .security(SecurityConfig.DEFAULT.withAuth(new AuthConfig(true, secret, true))).build());
    assertThat(server.get("/api-docs").status()).isEqualTo(200);
    assertThat(server.get("/api-docs/swagger-ui-bundle.js").status()).isEqualTo(200);
    TestServer.Reply refused = server.get("/api-docs.json");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().path("success").asBoolean(true)).isFalse();
    assertThat(server.send(java.net.http.HttpRequest.newBuilder(server.uri("/api-docs.json"))
        .header("Authorization", bearer)).json().path("openapi").asText()).startsWith("3.");
    server.close();

    server = TestServer.start(config().toBuilder().security(SecurityConfig.DEFAULT.toBuilder()
        .auth(new AuthConfig(true, secret, true)).swaggerDocsPublic(true).build()).build());
    assertThat(server.get("/api-docs.json").json().path("openapi").asText()).startsWith("3.");
    server.close();

    server = TestServer.start(config().toBuilder().security(SecurityConfig.DEFAULT.toBuilder()
        .auth(new AuthConfig(true, secret, true)).swaggerDocs(false).build()).build());
    // Off: behind the key like any other path, and not there even with it.
    assertThat(server.get("/api-docs.json").status()).isEqualTo(401);
    assertThat(server.get("/api-docs").status()).isEqualTo(401);
    TestServer.Reply off = server.send(java.net.http.HttpRequest.newBuilder(server.uri("/api-docs.json"))
        .header("Authorization", bearer));
    assertThat(off.status()).isEqualTo(404);
    assertThat(off.json().path("message").asText()).isEqualTo("Swagger Documentation is disabled");
  }
}
