package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.FakeClaude;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Node server's API contract ({@code node-contract.json}) against ccs: every scenario's
 * status (the Node one, or ours where a listed difference says so) and the JSON type of every field
 * a Node client reads. The README's table of differences must be the contract's.
 */
@Timeout(120)
class NodeContractTest {

  @TempDir
  Path temp;

  private final NodeContract contract = NodeContract.load();

  @Test
  void everyScenarioOfTheNodeApiHoldsAgainstCcs() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);
    List<String> failures = new ArrayList<>();
    CcsConfig plain = TestServer.config(temp.resolve("home"), fake.executable());
    failures.addAll(runAll(plain, null));
    // The Node server's provider settings endpoints answer only with providers configured.
    CcsConfig withProvider = TestServer.config(temp.resolve("home-providers"), fake.executable()).toBuilder()
        .providers(List.of(new ProviderConfig("main", "Main API Key", "sk-contract", "http://127.0.0.1:9", 1, true,
            Map.of()))).build();
    failures.addAll(runAll(withProvider, "providers"));
    assertThat(contract.scenarios).hasSizeGreaterThan(60);
    assertThat(failures).as("scenarios of the Node contract that ccs does not meet").isEmpty();
  }

  private List<String> runAll(CcsConfig config, String serverName) throws Exception {
    List<String> failures = new ArrayList<>();
    int ran = 0;
    try (TestServer server = TestServer.start(config)) {
      Map<String, String> saved = new HashMap<>();
      for (NodeContract.Scenario scenario : contract.scenarios) {
        if (!java.util.Objects.equals(serverName, scenario.server())) {
          continue;
        }
        ran++;
        if (scenario.waitForTask() != null) {
          awaitFinished(server, saved.get(scenario.waitForTask()));
        }
        failures.addAll(run(server, scenario, saved));
      }
    }
    assertThat(ran).as("scenarios for the server %s", serverName).isGreaterThan(10);
    return failures;
  }

  private List<String> run(TestServer server, NodeContract.Scenario scenario, Map<String, String> saved) throws Exception {
    String path = fill(scenario.path(), saved);
    HttpRequest.BodyPublisher body = scenario.body() == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(fill(Json.write(scenario.body()), saved));
    TestServer.Reply reply = server.send(HttpRequest.newBuilder(server.uri(path))
        .header("Content-Type", "application/json").method(scenario.method(), body));
    List<String> failures = new ArrayList<>();
    String where = scenario.name() + " (" + scenario.method() + " " + path + ")";
    int expected = scenario.difference() == null ? scenario.status()
        : contract.differences.get(scenario.difference()).status();
    if (reply.status() != expected) {
      failures.add(where + ": status " + reply.status() + ", expected " + expected + ": " + reply.text());
      return failures;
    }
    if (scenario.contentType() != null) {
      String type = reply.response().headers().firstValue("Content-Type").orElse("");
      if (!type.startsWith(scenario.contentType())) {
        failures.add(where + ": Content-Type " + type + ", expected " + scenario.contentType());
      }
      return failures;
    }
    JsonNode json;
    try {
      json = Json.parse(reply.text());
    } catch (java.io.IOException e) {
      failures.add(where + ": not JSON: " + reply.text());
      return failures;
    }
    for (String problem : NodeContract.violations(json, scenario.fields())) {
      failures.add(where + ": " + problem);
    }
    scenario.save().forEach((name, field) -> saved.put(name, json.at("/" + field.replace('.', '/')).asText()));
    return failures;
  }

  private static String fill(String text, Map<String, String> saved) {
    Matcher m = Pattern.compile("\\{(\\w+)}").matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = saved.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
    }
    return m.appendTail(out).toString();
  }

  private static void awaitFinished(TestServer server, String taskId) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      String status = server.get("/api/tasks/" + taskId).json().at("/task/status").asText();
      if (status.equals("completed") || status.equals("failed")) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("task " + taskId + " did not finish");
  }

  @Test
  void theChecksCatchARemovedFieldAndAChangedType() throws Exception {
    Map<String, String> fields = contract.scenarios.stream().filter(s -> s.name().equals("queue status")).findFirst()
        .orElseThrow().fields();
    JsonNode good = Json.parse("{\"success\":true,\"queue\":{\"running\":true,\"concurrency\":3,\"active_tasks\":0,"
        + "\"total\":1,\"pending\":0,\"processing\":0,\"completed\":1,\"failed\":0,\"cancelled\":0,\"total_cost_usd\":0.5}}");
    assertThat(NodeContract.violations(good, fields)).isEmpty();

    JsonNode removed = good.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) removed.get("queue")).remove("total");
    assertThat(NodeContract.violations(removed, fields)).containsExactly("queue.total is missing");

    JsonNode retyped = good.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) retyped.get("queue")).put("running", 1)
        .set("active_tasks", Json.mapper().createArrayNode().add("a"));
    assertThat(NodeContract.violations(retyped, fields)).containsExactly(
        "queue.running is a number (1), not boolean", "queue.active_tasks is an array ([\"a\"]), not integer");

    Map<String, String> list = Map.of("sessions[].id", "string");
    assertThat(NodeContract.violations(Json.parse("{\"sessions\":[{\"id\":\"a\"},{\"id\":2}]}"), list))
        .containsExactly("sessions[].id is a number (2), not string");
    assertThat(NodeContract.violations(Json.parse("{\"sessions\":{}}"), list)).containsExactly("sessions[].id is missing");
  }

  @Test
  void theReadmeTableOfDifferencesIsTheContracts() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("| Where | Node server | ccs | Why |");
    assertThat(start).as("README has the table of differences from the Node server").isPositive();
    int end = readme.indexOf("\n\n", start);
    assertThat(readme.substring(start, end + 1)).as("the README table, generated from node-contract.json")
        .isEqualTo(contract.differencesTable());
    for (NodeContract.Difference difference : contract.differences.values()) {
      assertThat(contract.scenarios).as("a scenario shows difference %s", difference.id())
          .anyMatch(s -> difference.id().equals(s.difference()));
    }
    for (NodeContract.Scenario scenario : contract.scenarios) {
      if (scenario.difference() != null) {
        assertThat(contract.differences).as(scenario.name()).containsKey(scenario.difference());
      }
    }
  }
}
