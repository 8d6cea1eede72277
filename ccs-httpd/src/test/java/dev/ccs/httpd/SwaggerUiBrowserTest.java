package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
    Path tools = NpmTools.installed("docs-browser", PACKAGES);
    Path script = tools.resolve("swagger-ui-check.mjs");
    try (InputStream in = SwaggerUiBrowserTest.class.getResourceAsStream("/browser/swagger-ui-check.mjs")) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    try (TestServer server = TestServer.start(TestServer.config(temp.resolve("home"),
        FakeClaude.create(temp).executable()))) {
      List<String> command = new ArrayList<>(List.of("node", script.toString(), "http://127.0.0.1:" + server.port()));
      Process node = new ProcessBuilder(command).directory(tools.toFile())
          .redirectError(temp.resolve("node.err").toFile()).start();
      String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(node.waitFor(300, TimeUnit.SECONDS)).isTrue();
      assertThat(node.exitValue()).as("node said:\n%s\n%s", output, Files.readString(temp.resolve("node.err")))
          .isZero();
      JsonNode seen = Json.parse(output.lines().reduce((first, last) -> last).orElseThrow());

      assertThat(seen.path("title").asText()).isEqualTo("ccs API");
      List<String> paths = new ArrayList<>();
      seen.path("paths").forEach(p -> paths.add(p.asText()));
      assertThat(paths).contains("/health", "/api/messages", "/api/sessions/{id}/continue", "/api/keys",
          "/api/tasks/{id}");
      assertThat(paths.size()).isGreaterThan(50);
      assertThat(seen.path("healthStatus").asText()).isEqualTo("200");
      assertThat(seen.path("problems")).as("requests that failed").isEmpty();
    }
  }
}
