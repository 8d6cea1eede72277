package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.NpmTools;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Node script (a test resource) that drives ccs with an official client library, installed with
 * npm as the real CLI is: it prints one JSON line per step, {@code {"kind": ..., ...}}, and the tests
 * assert on them.
 */
final class OfficialClientScript {

  private OfficialClientScript() {
  }

  /** Runs {@code script} with {@code packages} installed and {@code args}; each step by its kind. */
  static Map<String, JsonNode> run(String toolsName, List<String> packages, String script, Path temp, String... args)
      throws Exception {
    Path tools = NpmTools.installed(toolsName, packages);
    Path copy = tools.resolve(script);
    try (InputStream in = OfficialClientScript.class.getResourceAsStream("/" + script)) {
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
    }
    List<String> command = new java.util.ArrayList<>(List.of("node", copy.toString()));
    command.addAll(List.of(args));
    Path errors = temp.resolve(script + ".err");
    Process node = new ProcessBuilder(command).directory(tools.toFile()).redirectError(errors.toFile()).start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(240, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as("node said:\n%s\n%s", output, Files.readString(errors)).isZero();
    Map<String, JsonNode> steps = new HashMap<>();
    for (String line : output.strip().split("\n")) {
      JsonNode step = Json.parse(line);
      steps.put(step.path("kind").asText(), step);
    }
    return steps;
  }

  /** A step that failed as it should: its status, error type and a text of its message. */
  static void assertError(JsonNode step, int status, String type, String text) {
    assertThat(step).as("a step of the script").isNotNull();
    assertThat(step.path("status").asInt()).as(step.toString()).isEqualTo(status);
    assertThat(step.path("type").asText()).as(step.toString()).isEqualTo(type);
    assertThat(step.path("message").asText()).as(step.toString()).containsIgnoringCase(text);
  }
}
