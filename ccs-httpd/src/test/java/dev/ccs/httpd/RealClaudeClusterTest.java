package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.StoreConfig;
import dev.ccs.store.postgres.PgServer;
import dev.ccs.testkit.MockAnthropic;
import dev.ccs.testkit.RealClaude;
import dev.ccs.testkit.RecordedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CLI on two nodes sharing one PostgreSQL, one workspace and one {@code CLAUDE_CONFIG_DIR}
 * (the README's deployment: shared storage): a session's turns sent to the nodes in turn keep its
 * history, since each node resumes the CLI session the other one recorded.
 */
@Tag("real-cli")
@Timeout(240)
class RealClaudeClusterTest {

  @TempDir
  Path temp;

  @Test
  void aSessionsTurnsSentToTwoNodesInTurnKeepItsHistory() {
    Path claude = RealClaude.executable();
    String url = PgServer.newDatabase();
    try (MockAnthropic mock = MockAnthropic.start()) {
      // One home (so one CLAUDE_CONFIG_DIR with the CLI's transcripts) and one workspace for both nodes.
      Map<String, String> environment = RealClaude.environment(temp.resolve("shared-home"), mock);
      TestServer[] nodes = new TestServer[2];
      try {
        for (int i = 0; i < 2; i++) {
          CcsConfig config = TestServer.config(temp.resolve("node-" + i), claude).toBuilder()
              .workspacePath(temp.resolve("workspace"))
              .store(new StoreConfig("postgres", url, null, null, 4, "node-" + i, Duration.ofSeconds(10), null, null))
              .build();
          nodes[i] = TestServer.start(config, environment, b -> b);
        }
        TestServer.Reply created = nodes[0].post("/api/sessions", "{\"project_path\":\"proj\"}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().at("/session/id").asText();

        for (int turn = 1; turn <= 4; turn++) {
          TestServer node = nodes[turn % 2];
          TestServer.Reply reply = node.post("/api/sessions/" + id + "/continue",
              "{\"prompt\":\"question " + turn + " [[mock:text=answer " + turn + "]]\"}");
          assertThat(reply.status()).as("turn %d on node %d: %s", turn, turn % 2, reply.text()).isEqualTo(200);
          assertThat(reply.json().path("result").asText()).isEqualTo("answer " + turn);
        }

        List<RecordedRequest> calls = mock.messagesRequests();
        RecordedRequest last = calls.get(calls.size() - 1);
        for (int turn = 1; turn <= 4; turn++) {
          String question = "question " + turn;
          assertThat(last.messageTexts("user")).as("the fourth turn's request").anyMatch(t -> t.contains(question));
        }
        assertThat(last.messageTexts("assistant")).contains("answer 1", "answer 2", "answer 3");
        // Both nodes see the same session, with its four turns.
        for (TestServer node : nodes) {
          assertThat(node.get("/api/sessions/" + id).json().at("/session/messages_count").asInt()).isEqualTo(4);
          assertThat(node.get("/api/sessions/" + id + "/messages").json().path("messages")).hasSize(8);
        }
      } finally {
        for (TestServer node : nodes) {
          if (node != null) {
            node.close();
          }
        }
      }
    }
  }
}
