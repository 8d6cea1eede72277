package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ExecutionConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.config.WebhookConfig;
import dev.ccs.core.process.Processes;
import dev.ccs.core.store.FileStorage;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CLI, a disk and a webhook target that misbehave, through the HTTP API: each fault gives the
 * client a clear JSON answer (never a hang or an HTML page), leaves no process behind and no file
 * unreadable, and the server goes on serving the next request.
 */
@Tag("reliability")
@Timeout(180)
class FaultsTest {

  @TempDir
  Path temp;

  private FakeClaude fake;
  private TestServer server;

  @BeforeEach
  void start() {
    fake = FakeClaude.create(temp.resolve("fake"));
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .execution(ExecutionConfig.of(Duration.ofSeconds(3), Duration.ofSeconds(1)))
        .webhook(new WebhookConfig(false, null, Duration.ofSeconds(1), 1, null, true))
        .taskQueue(new TaskQueueConfig(2, Duration.ofSeconds(3), 0, Duration.ofMillis(100), true))
        .build();
    server = TestServer.start(config);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TestServer.Reply send(FakeReply reply) {
    fake.enqueue(reply);
    return server.post("/api/messages", "{\"prompt\":\"p\"}");
  }

  /** The server still answers the next turn normally. */
  private void assertHealthy() {
    fake.enqueue(FakeReply.success("fine", "0.01"));
    TestServer.Reply next = server.post("/api/messages", "{\"prompt\":\"next\"}");
    assertThat(next.status()).as(next.text()).isEqualTo(200);
    assertThat(next.json().path("result").asText()).isEqualTo("fine");
  }

  private static void assertError(TestServer.Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    assertThat(reply.json().path("success").asBoolean(true)).isFalse();
    assertThat(reply.json().path("code").asText()).isEqualTo(code);
  }

  @Test
  void aHangingCliTimesOutWithA504AndIsGone() {
    TestServer.Reply reply = send(FakeReply.script().line(FakeReply.initLine(UUID.randomUUID().toString())).hang());
    assertError(reply, 504, "timeout");
    assertThat(reply.json().path("session_id").asText()).isNotEmpty();
    assertHealthy();
  }

  @Test
  void aCliCrashingMidStreamIsA502WithWhatItSaid() {
    String session = UUID.randomUUID().toString();
    TestServer.Reply reply = send(FakeReply.script().line(FakeReply.initLine(session))
        .line(FakeReply.assistantLine(session, "half an ans")).stderr("Segmentation fault").crash(139));
    assertError(reply, 502, "cli_crashed");
    assertThat(reply.json().path("error").asText()).contains("139").contains("Segmentation fault");
    assertHealthy();
  }

  @Test
  void garbageOnStdoutIsSkippedAndTheResultStillCounts() {
    String session = UUID.randomUUID().toString();
    TestServer.Reply reply = send(FakeReply.script().line("garbage {{{ not json").line("\u0000\u0001\u00ff binary")
        .line("[1,2,3]").line("{\"type\":").line(FakeReply.resultLine(session, "answer", "0.01", false, "success")));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(reply.json().path("result").asText()).isEqualTo("answer");
  }

  @Test
  void onlyGarbageAndANonZeroExitIsA502() {
    TestServer.Reply reply = send(FakeReply.script().line("not json at all").stderr("fatal: bad things").exitCode(3));
    assertError(reply, 502, "cli_crashed");
    assertThat(reply.json().path("details").path("exit_code").asInt()).isEqualTo(3);
    assertThat(reply.json().path("error").asText()).contains("fatal: bad things");
    assertHealthy();
  }

  @Test
  void aFiftyMegabyteLineIsCutNotHeldAndTheRunSucceeds() {
    String session = UUID.randomUUID().toString();
    TestServer.Reply reply = send(FakeReply.script().line(FakeReply.initLine(session)).flood(false, 50L << 20)
        .line(FakeReply.resultLine(session, "after the flood", "0.01", false, "success")));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(reply.json().path("result").asText()).isEqualTo("after the flood");
    assertThat(reply.text().length()).isLessThan(10_000);
  }

  @Test
  void aStderrFloodIsDrainedAndOnlyItsTailKept() {
    String session = UUID.randomUUID().toString();
    TestServer.Reply reply = send(FakeReply.script().line(FakeReply.initLine(session)).flood(true, 200L << 20)
        .stderr("the last words").exitCode(1));
    assertError(reply, 502, "cli_crashed");
    assertThat(reply.json().path("error").asText()).contains("the last words");
    assertThat(reply.text().length()).isLessThan(10_000);
    assertHealthy();
  }

  @Test
  void aCliThatIgnoresSigtermAndItsStubbornChildAreKilledAtTheTimeout() throws Exception {
    String session = UUID.randomUUID().toString();
    TestServer.Reply reply = send(FakeReply.script().line(FakeReply.initLine(session)).ignoreSigterm()
        .stubbornGrandchild(120).hang());
    assertError(reply, 504, "timeout");
    int seq = fake.invocationCount();
    long grandchild = fake.grandchildPid(seq).orElseThrow();
    long cli = fake.invocations().get(seq - 1).pid();
    // The answer comes once the tree is gone: SIGTERM, then SIGKILL after the grace period.
    // Gone: no handle once it has been reaped, or a handle that is no longer running.
    assertThat(ProcessHandle.of(grandchild).map(Processes::isRunning).orElse(false)).as("the stubborn grandchild")
        .isFalse();
    assertThat(ProcessHandle.of(cli).map(ProcessHandle::isAlive).orElse(false)).as("the CLI").isFalse();
    assertHealthy();
  }

  @Test
  void aFullDiskIsA503WithTheReasonAndNoFileIsCorrupt() throws Exception {
    fake.enqueue(FakeReply.success("first", "0.01"));
    JsonNode first = server.post("/api/messages", "{\"prompt\":\"first\"}").json();
    String session = first.path("session_id").asText();
    Path log = temp.resolve("home/data/messages/" + session + ".jsonl");
    String before = Files.readString(log);
    // The session's log now lives on a device that is always full (writes fail with ENOSPC).
    Path aside = temp.resolve("aside.jsonl");
    Files.move(log, aside);
    Files.createSymbolicLink(log, Path.of("/dev/full"));

    fake.enqueue(FakeReply.success("second", "0.01"));
    TestServer.Reply reply = server.post("/api/messages", "{\"prompt\":\"second\",\"session_id\":\"" + session + "\"}");

    assertError(reply, 503, "storage_unavailable");
    assertThat(reply.header("Retry-After")).isNotNull();
    assertThat(reply.json().path("error").asText()).contains("No space left on device").doesNotContain(temp.toString());
    // Space again: the log is what it was, the session goes on, and it reopens cleanly.
    Files.delete(log);
    Files.move(aside, log);
    assertThat(Files.readString(log)).isEqualTo(before);
    assertHealthy();
    fake.enqueue(FakeReply.success("third", "0.01"));
    assertThat(server.post("/api/messages", "{\"prompt\":\"third\",\"session_id\":\"" + session + "\"}").status())
        .isEqualTo(200);
    server.close();
    try (FileStorage reopened = FileStorage.open(temp.resolve("home/data"))) {
      assertThat(reopened.messages().history(UUID.fromString(session))).extracting(m -> m.content())
          .containsExactly("first", "first", "third", "third");
    }
    server = TestServer.start(TestServer.config(temp.resolve("home2"), fake.executable()));
  }

  @Test
  void aWebhookTargetThatNeverAnswersBlocksNoTask() throws Exception {
    List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        while (true) {
          try {
            held.add(silent.accept()); // accepted, never read, never answered
          } catch (IOException e) {
            return;
          }
        }
      });
      acceptor.start();
      String hook = "http://127.0.0.1:" + silent.getLocalPort() + "/hook";
      List<String> ids = new ArrayList<>();
      long started = System.nanoTime();
      for (int i = 0; i < 6; i++) {
        fake.enqueue(FakeReply.success("task " + i, "0.01"));
        TestServer.Reply reply = server.post("/api/async/messages", "{\"prompt\":\"t" + i + "\",\"webhook_url\":\"" + hook
            + "\"}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        ids.add(reply.json().path("task_id").asText());
      }
      Conditions.await(() -> ids.stream().allMatch(id -> server.get("/api/tasks/" + id).json().path("task")
          .path("status").asText().equals("completed")), Duration.ofSeconds(30));
      // Six deliveries of up to two 1 s attempts each, one after another, would take 12 s.
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
      Conditions.await(() -> !held.isEmpty(), Duration.ofSeconds(10));
      assertThat(held).as("deliveries that reached the silent target").isNotEmpty();
      assertHealthy();
      silent.close();
      acceptor.join(5_000);
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }
}
