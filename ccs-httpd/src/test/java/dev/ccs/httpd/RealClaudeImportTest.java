package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.balance.ProviderSettings;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.migrate.ImportReport;
import dev.ccs.core.migrate.NodeHome;
import dev.ccs.core.migrate.NodeImport;
import dev.ccs.core.store.FileStorage;
import dev.ccs.testkit.MockAnthropic;
import dev.ccs.testkit.NodeDataDir;
import dev.ccs.testkit.RealClaude;
import dev.ccs.testkit.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session the Node server started, imported, continues through our API with its history: the
 * Node server's session id is the CLI's, the CLI keeps the transcript under the user's config
 * directory, so our next turn resumes it and the model sees the earlier turn.
 */
@Tag("real-cli")
@Timeout(240)
class RealClaudeImportTest {

  @TempDir
  Path temp;

  @Test
  void aSessionTheNodeServerStartedContinuesThroughOurApiWithItsHistory() throws Exception {
    Path claude = RealClaude.executable();
    try (MockAnthropic mock = MockAnthropic.start()) {
      CcsConfig config = TestServer.config(temp.resolve("ccs"), claude);
      Map<String, String> env = RealClaude.environment(temp.resolve("home"), mock);
      Path project = Files.createDirectories(config.workspacePath().resolve("legacy-project"));
      UUID id = UUID.randomUUID();

      // The Node server's first turn, as it ran it: the prompt in argv, its own id as --session-id.
      ProcessBuilder first = new ProcessBuilder(claude.toString(), "-p", "--session-id", id.toString(),
          "--output-format", "json", "first question [[mock:text=first answer]]").directory(project.toFile())
          .redirectErrorStream(true);
      first.environment().clear();
      first.environment().putAll(env);
      Process run = first.start();
      run.getOutputStream().close();
      String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(run.exitValue()).as(output).isZero();
      JsonNode result = Json.parse(output.substring(output.indexOf('{')));
      assertThat(result.path("result").asText()).isEqualTo("first answer");

      // What the Node server kept of it.
      Path nodeHome = temp.resolve("node");
      Path data = Files.createDirectories(nodeHome.resolve("data").resolve("sessions"));
      Files.createDirectories(nodeHome.resolve("data").resolve("messages"));
      Instant at = Instant.now().minusSeconds(60);
      ObjectNode session = Json.object().put("id", id.toString()).put("created_at", at.toString())
          .put("updated_at", at.toString()).put("model", "claude-sonnet-4-5").put("project_path", project.toString())
          .put("total_cost_usd", result.path("total_cost_usd").decimalValue()).put("messages_count", 1)
          .put("status", "active");
      session.putObject("metadata");
      ObjectNode sessions = Json.object();
      sessions.putArray("sessions").add(session);
      Files.writeString(data.resolve("sessions.json"), NodeDataDir.nodeJson(sessions));
      ObjectNode history = Json.object().put("session_id", id.toString());
      history.putArray("messages")
          .add(Json.object().put("id", "msg_00000000000000a1").put("session_id", id.toString()).put("role", "user")
              .put("content", "first question").put("created_at", at.toString()))
          .add(Json.object().put("id", "msg_00000000000000a2").put("session_id", id.toString())
              .put("role", "assistant").put("content", "first answer").put("created_at", at.plusSeconds(2).toString())
              .set("metadata", Json.object().put("cost_usd", result.path("total_cost_usd").decimalValue())));
      Files.writeString(nodeHome.resolve("data").resolve("messages").resolve(id + ".json"), NodeDataDir.nodeJson(history));

      try (FileStorage storage = FileStorage.open(config.dataDir())) {
        ImportReport report = new NodeImport(storage, storage.tasks(), storage.statistics(), ProviderSettings.of(config),
            Clock.systemUTC()).run(NodeHome.at(nodeHome), new NodeImport.Options(false, null, null),
            NodeImport.Progress.NONE);
        assertThat(report.imported(ImportReport.Kind.SESSIONS)).isEqualTo(1);
        assertThat(report.problems()).isEmpty();
      }

      try (TestServer server = TestServer.start(config, env, b -> b)) {
        int before = mock.messagesRequests().size();
        TestServer.Reply reply = server.post("/api/sessions/" + id + "/continue",
            "{\"prompt\":\"second question [[mock:text=second answer]]\"}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        assertThat(reply.json().path("result").asText()).isEqualTo("second answer");
        assertThat(reply.json().path("session_id").asText()).isEqualTo(id.toString());

        List<RecordedRequest> calls = mock.messagesRequests();
        assertThat(calls.size()).isGreaterThan(before);
        RecordedRequest last = calls.get(calls.size() - 1);
        assertThat(last.messageTexts("user")).anyMatch(t -> t.contains("first question"));
        assertThat(last.messageTexts("user")).anyMatch(t -> t.contains("second question"));
        assertThat(last.messageTexts("assistant")).contains("first answer");

        JsonNode messages = server.get("/api/sessions/" + id + "/messages?order=asc").json().path("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(0).path("content").asText()).isEqualTo("first question");
        assertThat(messages.get(3).path("content").asText()).isEqualTo("second answer");
        JsonNode stored = server.get("/api/sessions/" + id).json().path("session");
        assertThat(stored.path("messages_count").asInt()).isEqualTo(2);
        // The resumed CLI reports its running total; the turn is charged only its own part.
        assertThat(messages.get(3).at("/metadata/cost_usd").decimalValue())
            .isLessThan(messages.get(3).at("/metadata/cli_total_cost_usd").decimalValue());
      }
    }
  }
}
