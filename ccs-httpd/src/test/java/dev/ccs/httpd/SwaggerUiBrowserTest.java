package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.auth.ApiKeys;
import dev.ccs.core.config.AuthConfig;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.SecurityConfig;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.NpmTools;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Swagger UI as a person sees it: a real headless Chromium (from the npm package
 * {@code @sparticuz/chromium}, which ships the browser, driven by {@code playwright-core}) opens
 * {@code /api-docs}, which must render the routes with nothing failing to load and no internet,
 * and "Try it out" on {@code GET /health} must show a 200.
 */
@Timeout(600)
class SwaggerUiBrowserTest {

  static final List<String> PACKAGES = List.of("playwright-core@1.65.1", "@sparticuz/chromium@143.0.4");

  @TempDir
  Path temp;

  @Test
  void theRenderedUiListsTheRoutesAndTryItOutWorks() throws Exception {
    try (TestServer server = TestServer.start(TestServer.config(temp.resolve("home"),
        FakeClaude.create(temp).executable()))) {
      JsonNode seen = browse(server, List.of());

      assertThat(seen.path("title").asText()).isEqualTo("ccs API");
      assertThat(paths(seen)).contains("/health", "/api/messages", "/api/sessions/{id}/continue", "/api/keys",
          "/api/tasks/{id}");
      assertThat(paths(seen).size()).isGreaterThan(50);
      assertThat(seen.path("healthStatus").asText()).isEqualTo("200");
      assertThat(seen.path("problems")).as("requests that failed").isEmpty();
    }
  }

  /**
   * Node defect #8 (the docs were public whatever the auth settings), as a reader meets its fix:
   * with authentication on, the page asks for a key, refuses a wrong one, and with a right one
   * renders the API and sends the key with "Try it out".
   */
  @Test
  void withAuthThePageAsksForAKeyAndUsesItForTryItOut() throws Exception {
    String secret = "ccs_sk_browser-test-secret-0123456789";
    CcsConfig config = TestServer.config(temp.resolve("home"), FakeClaude.create(temp).executable()).toBuilder()
        .security(SecurityConfig.DEFAULT.withAuth(new AuthConfig(true, secret, true))).build();
    try (TestServer server = TestServer.start(config)) {
      JsonNode seen = browse(server, List.of(ApiKeys.legacyKey(secret)));

      assertThat(seen.path("asked").asText()).contains("asks for an API key");
      assertThat(seen.path("refused").asText()).contains("refused");
      assertThat(seen.path("beforeKey")).extracting(JsonNode::asText)
          .allSatisfy(problem -> assertThat(problem).startsWith("401 ").endsWith("/api-docs.json"))
          .hasSize(2);
      assertThat(paths(seen)).contains("/health", "/api/sessions");
      assertThat(seen.path("healthStatus").asText()).isEqualTo("200");
      assertThat(seen.path("sessionsStatus").asText()).isEqualTo("200");
      assertThat(seen.path("problems")).as("requests that failed once the key was given").isEmpty();
    }
  }

  private JsonNode browse(TestServer server, List<String> extraArguments) throws Exception {
    Path tools = NpmTools.installed("docs-browser", PACKAGES);
    Path script = tools.resolve("swagger-ui-check.mjs");
    try (InputStream in = SwaggerUiBrowserTest.class.getResourceAsStream("/browser/swagger-ui-check.mjs")) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    List<String> command = new ArrayList<>(List.of("node", script.toString(), "http://127.0.0.1:" + server.port()));
    command.addAll(extraArguments);
    Path errors = Files.createTempFile(temp, "node", ".err");
    Process node = new ProcessBuilder(command).directory(tools.toFile()).redirectError(errors.toFile()).start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as("node said:\n%s\n%s", output, Files.readString(errors)).isZero();
    return Json.parse(output.lines().reduce((first, last) -> last).orElseThrow());
  }

  private static List<String> paths(JsonNode seen) {
    List<String> paths = new ArrayList<>();
    seen.path("paths").forEach(p -> paths.add(p.asText()));
    return paths;
  }
}
