package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.process.Processes;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import dev.ccs.testkit.Invocation;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The faces' streams and session choice, on the fake CLI: tool activity, a named session, a client that leaves. */
@Timeout(60)
class FaceStreamsTest {

  @TempDir
  Path temp;

  private static TestServer.Reply post(TestServer server, String path, String body, String sessionHeader) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (sessionHeader != null) {
      request.header("X-Session-Id", sessionHeader);
    }
    return server.send(request);
  }

  @Test
  void claudeCodesOwnToolsShowAsSseCommentsNotAsToolCalls() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);
    String sid = UUID.randomUUID().toString();
    fake.enqueue(FakeReply.script().line(FakeReply.initLine(sid))
        .line("{\"type\":\"assistant\",\"message\":{\"id\":\"msg_1\",\"role\":\"assistant\",\"model\":\"claude-fake-1\","
            + "\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"Bash\",\"input\":{\"command\":\"ls\"}}]},"
            + "\"parent_tool_use_id\":null,\"session_id\":\"" + sid + "\"}")
        .line(FakeReply.resultLine(sid, "two files", "0.001", false, "success")));
    fake.enqueue(FakeReply.script().line(FakeReply.initLine(sid))
        .line("{\"type\":\"assistant\",\"message\":{\"id\":\"msg_2\",\"role\":\"assistant\",\"model\":\"claude-fake-1\","
            + "\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"Read\",\"input\":{\"file_path\":\"a\"}}]},"
            + "\"parent_tool_use_id\":null,\"session_id\":\"" + sid + "\"}")
        .line(FakeReply.resultLine(sid, "read it", "0.001", false, "success")));
    try (TestServer server = TestServer.start(TestServer.config(temp.resolve("home"), fake.executable()))) {
      TestServer.Reply openai = post(server, "/v1/chat/completions",
          "{\"model\":\"sonnet\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"list\"}]}", null);
      assertThat(openai.status()).isEqualTo(200);
      assertThat(openai.text()).contains(": tool_use Bash {\"command\":\"ls\"}\n\n")
          .contains("\"delta\":{\"content\":\"two files\"}").doesNotContain("tool_calls").endsWith("data: [DONE]\n\n");
      TestServer.Reply anthropic = post(server, "/v1/messages",
          "{\"model\":\"sonnet\",\"max_tokens\":10,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"read\"}]}",
          null);
      assertThat(anthropic.text()).contains(": tool_use Read {\"file_path\":\"a\"}\n\n")
          .contains("\"text\":\"read it\"").contains("event: message_stop");
    }
  }

  @Test
  void aNamedSessionGetsOnlyTheNewMessage() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);
    try (TestServer server = TestServer.start(TestServer.config(temp.resolve("home"), fake.executable()))) {
      String session = server.post("/api/sessions", "{\"project_path\":\"named\"}").json().at("/session/id").asText();
      TestServer.Reply reply = post(server, "/v1/chat/completions", "{\"model\":\"sonnet\",\"messages\":["
          + "{\"role\":\"user\",\"content\":\"older\"},{\"role\":\"assistant\",\"content\":\"answer\"},"
          + "{\"role\":\"user\",\"content\":\"only this\"}]}", session);
      assertThat(reply.status()).as(reply.text()).isEqualTo(200);
      assertThat(reply.json().path("session_id").asText()).isEqualTo(session);
      Invocation run = fake.takeInvocation();
      assertThat(run.stdin()).isEqualTo("only this");
      assertThat(run.cwd().toString()).endsWith("named");

      TestServer.Reply byField = post(server, "/v1/messages", "{\"model\":\"sonnet\",\"max_tokens\":10,\"metadata\":"
          + "{\"session_id\":\"" + session + "\"},\"messages\":[{\"role\":\"user\",\"content\":\"next\"}]}", null);
      assertThat(byField.status()).as(byField.text()).isEqualTo(200);
      assertThat(fake.takeInvocation().flag("--resume")).isEqualTo(session);
      TestServer.Reply unknown = post(server, "/v1/chat/completions", "{\"model\":\"sonnet\",\"messages\":"
          + "[{\"role\":\"user\",\"content\":\"x\"}]}", UUID.randomUUID().toString());
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.json().at("/error/type").asText()).isEqualTo("not_found_error");
    }
  }

  @Test
  void aClientThatLeavesAStreamCancelsTheRun() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);
    String sid = UUID.randomUUID().toString();
    fake.enqueue(FakeReply.script().line(FakeReply.initLine(sid)).gate("held")
        .line(FakeReply.resultLine(sid, "late", "0.001", false, "success")));
    // A short heartbeat: the write that finds the client gone comes soon.
    dev.ccs.core.config.CcsConfig base = TestServer.config(temp.resolve("home"), fake.executable());
    dev.ccs.core.config.CcsConfig config = base.toBuilder().streaming(base.streaming().toBuilder()
        .heartbeat(java.time.Duration.ofMillis(200)).build()).build();
    try (TestServer server = TestServer.start(config)) {
      String body = "{\"model\":\"sonnet\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"wait\"}]}";
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
            .getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains("\"role\":\"assistant\"")) {
          int b = in.read();
          assertThat(b).isNotNegative();
          seen.append((char) b);
        }
        fake.awaitGate("held", 1);
      }
      Invocation run = fake.takeInvocation();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (Processes.isRunning(run.pid()) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(Processes.isRunning(run.pid())).as("the CLI of a stream nobody reads is ended").isFalse();
    }
  }
}
