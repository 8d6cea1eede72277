package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.StreamingConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.process.Processes;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Streamed turns over SSE against the fake CLI: ids, replay, heartbeats, disconnects; seed defects #34-#37. */
@Timeout(120)
class StreamingApiTest {

  @TempDir
  java.nio.file.Path temp;

  private FakeClaude fake;
  private TestServer server;

  @BeforeEach
  void setUp() {
    fake = FakeClaude.create(temp);
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private void start(StreamingConfig streaming) {
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder().streaming(streaming).build();
    server = TestServer.start(config);
  }

  private void start() {
    start(StreamingConfig.DEFAULT);
  }

  private String createSession() {
    return server.post("/api/sessions", "{\"project_path\":\"p\"}").json().at("/session/id").asText();
  }

  private SseClient stream(String sessionId, String body) {
    return SseClient.open(server.client(), HttpRequest.newBuilder(server.uri("/api/sessions/" + sessionId + "/continue/stream"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private SseClient resume(String sessionId, String streamId, Long lastEventId) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/api/sessions/" + sessionId
        + "/stream/resume?stream_id=" + streamId));
    if (lastEventId != null) {
      request.header("Last-Event-ID", Long.toString(lastEventId));
    }
    return SseClient.open(server.client(), request.build());
  }

  /** Five output lines with a pause after the second, so a test can act in the middle. */
  private static FakeReply slowReply(String sessionId, long pauseMillis) {
    return FakeReply.script()
        .line(FakeReply.initLine(sessionId))
        .line(FakeReply.assistantLine(sessionId, "part one"))
        .sleep(pauseMillis)
        .line(FakeReply.assistantLine(sessionId, "part two"))
        .line(FakeReply.assistantLine(sessionId, "part three"))
        .line(FakeReply.resultLine(sessionId, "all parts", "0.004", false, "success"));
  }

  @Test
  void aStreamedTurnSendsEveryLineWithIdsThenDone() {
    start();
    String id = createSession();

    try (SseClient sse = stream(id, "{\"prompt\":\"go\"}")) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
      assertThat(sse.header("X-Session-Id")).isEqualTo(id);
      assertThat(sse.header("X-Stream-Id")).startsWith("stream_");
      List<SseClient.Event> events = sse.rest();

      assertThat(events).extracting(SseClient.Event::name).containsExactly("message", "message", "message", "done");
      assertThat(events).extracting(SseClient.Event::id).containsExactly("1", "2", "3", "4");
      assertThat(json(events.get(0)).path("type").asText()).isEqualTo("system");
      assertThat(json(events.get(1)).path("type").asText()).isEqualTo("assistant");
      assertThat(json(events.get(2)).path("type").asText()).isEqualTo("result");
      JsonNode done = json(events.get(3));
      assertThat(done.path("session_id").asText()).isEqualTo(id);
      assertThat(done.path("stream_id").asText()).isEqualTo(sse.header("X-Stream-Id"));
      assertThat(done.path("cost_usd").decimalValue()).isEqualByComparingTo("0.001");
      assertThat(done.path("duration_ms").isIntegralNumber()).isTrue();
      assertThat(done.path("result").asText()).isEqualTo("Echo: go");
    }
    assertThat(fake.takeInvocation().args()).contains("--output-format=stream-json", "--verbose",
        "--include-partial-messages", "--session-id=" + id);
    JsonNode session = server.get("/api/sessions/" + id).json().path("session");
    assertThat(session.path("messages_count").asInt()).isEqualTo(1);
    // One assistant message per streamed turn (seed #38 stored two).
    JsonNode messages = server.get("/api/sessions/" + id + "/messages?order=asc").json().path("messages");
    assertThat(messages).hasSize(2);
    assertThat(messages.get(1).path("content").asText()).isEqualTo("Echo: go");
  }

  @Test
  void refusalsAreJsonBeforeAnySseHeader() {
    start();
    String id = createSession();

    assertJsonError(stream(UUID.randomUUID().toString(), "{\"prompt\":\"x\"}"), 404);
    assertJsonError(stream(id, "{}"), 400);
    assertJsonError(stream("not-a-uuid", "{\"prompt\":\"x\"}"), 400);
    server.patch("/api/sessions/" + id + "/status", "{\"status\":\"closed\"}");
    assertJsonError(stream(id, "{\"prompt\":\"x\"}"), 409);
    String broke = server.post("/api/sessions", "{\"project_path\":\"q\",\"max_budget_usd\":0}").json().at("/session/id").asText();
    assertJsonError(stream(broke, "{\"prompt\":\"x\"}"), 402);
    assertThat(fake.invocationCount()).isZero();
  }

  /** The first line reaches the client while the CLI is still running, and the stream says so. */
  @Test
  void eachLineIsFlushedAsTheCliPrintsIt() {
    start();
    String id = createSession();
    fake.enqueue(slowReply(id, 3000));

    try (SseClient sse = stream(id, "{\"prompt\":\"go\"}")) {
      long start = System.nanoTime();
      assertThat(sse.next().name()).isEqualTo("message");
      assertThat(sse.next().name()).isEqualTo("message");
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(elapsedMillis).isLessThan(2500);
      JsonNode status = server.get("/api/sessions/" + id + "/stream/status").json();
      assertThat(status.path("has_active_stream").asBoolean()).isTrue();
      assertThat(status.at("/stream/status").asText()).isEqualTo("streaming");
      assertThat(sse.rest()).extracting(SseClient.Event::name).endsWith("done");
    }
    JsonNode after = server.get("/api/sessions/" + id + "/stream/status").json();
    assertThat(after.path("has_active_stream").asBoolean()).isFalse();
    assertThat(after.at("/last_stream/status").asText()).isEqualTo("completed");
  }

  /** Seed defects #34 (resume content always empty) and #35 (resumed clients never got the end). */
  @Test
  void aReconnectWithLastEventIdGetsExactlyWhatItMissedThenTheTail() throws Exception {
    start();
    String id = createSession();
    fake.enqueue(slowReply(id, 2000));
    String streamId;
    List<SseClient.Event> seen = new ArrayList<>();
    try (SseClient first = stream(id, "{\"prompt\":\"go\"}")) {
      streamId = first.header("X-Stream-Id");
      seen.add(first.next());
      seen.add(first.next());
    } // the client drops here, in the middle of the turn

    List<SseClient.Event> rest;
    try (SseClient again = resume(id, streamId, Long.parseLong(seen.get(1).id()))) {
      assertThat(again.status()).isEqualTo(200);
      rest = again.rest();
    }

    assertThat(rest).extracting(SseClient.Event::id).containsExactly("3", "4", "5", "6");
    assertThat(rest).extracting(SseClient.Event::name).containsExactly("message", "message", "message", "done");
    assertThat(json(rest.get(0)).at("/message/content/0/text").asText()).isEqualTo("part two");
    // The turn was not killed by the disconnect, and its result is stored.
    JsonNode session = server.get("/api/sessions/" + id).json().path("session");
    assertThat(session.path("messages_count").asInt()).isEqualTo(1);
    assertThat(session.path("total_cost_usd").decimalValue()).isEqualByComparingTo("0.004");
  }

  @Test
  void everyClientGetsTheTerminalEventAndAFinishedStreamCanBeReadAgain() throws Exception {
    start();
    String id = createSession();
    fake.enqueue(slowReply(id, 1500));
    try (SseClient owner = stream(id, "{\"prompt\":\"go\"}")) {
      String streamId = owner.header("X-Stream-Id");
      CompletableFuture<List<SseClient.Event>> second = CompletableFuture.supplyAsync(() -> {
        try (SseClient client = resume(id, streamId, null)) {
          return client.rest();
        }
      });
      CompletableFuture<List<SseClient.Event>> third = CompletableFuture.supplyAsync(() -> {
        try (SseClient client = resume(id, streamId, 1L)) {
          return client.rest();
        }
      });
      assertThat(owner.rest()).extracting(SseClient.Event::name).endsWith("done");
      assertThat(second.get()).extracting(SseClient.Event::name).containsExactly("message", "message", "message",
          "message", "message", "done");
      assertThat(third.get()).extracting(SseClient.Event::id).containsExactly("2", "3", "4", "5", "6");

      // Finished: without Last-Event-ID, the Node server's JSON; with it, the events again.
      TestServer.Reply json = server.get("/api/sessions/" + id + "/stream/resume?stream_id=" + streamId);
      assertThat(json.json().path("status").asText()).isEqualTo("completed");
      assertThat(json.json().path("stream_id").asText()).isEqualTo(streamId);
      assertThat(json.json().at("/metadata/result/cost_usd").decimalValue()).isEqualByComparingTo("0.004");
      try (SseClient replay = resume(id, streamId, 4L)) {
        assertThat(replay.rest()).extracting(SseClient.Event::id).containsExactly("5", "6");
      }
    }
    assertError(server.get("/api/sessions/" + id + "/stream/resume?stream_id=stream_nope"), 404);
    assertError(server.get("/api/sessions/" + id + "/stream/resume"), 400);
    String other = createSession();
    String otherStream = server.get("/api/sessions/" + id + "/stream/status").json().at("/last_stream/stream_id").asText();
    assertError(server.get("/api/sessions/" + other + "/stream/resume?stream_id=" + otherStream), 400);
  }

  @Test
  void idleStreamsGetHeartbeats() {
    start(StreamingConfig.DEFAULT.toBuilder().heartbeat(Duration.ofMillis(200)).retention(Duration.ofMinutes(10))
        .cancelOnDisconnect(false).build());
    String id = createSession();
    fake.enqueue(slowReply(id, 1500));

    try (SseClient sse = stream(id, "{\"prompt\":\"go\"}")) {
      List<SseClient.Event> events = sse.rest();
      assertThat(events.get(2).comments()).contains("heartbeat");
    }
  }

  @Test
  void aStreamedTurnCanBeCancelledAndItsProcessEnds() {
    start();
    String id = createSession();
    fake.enqueue(FakeReply.script().line(FakeReply.initLine(id)).hang());

    try (SseClient sse = stream(id, "{\"prompt\":\"go\"}")) {
      assertThat(sse.next().name()).isEqualTo("message");
      TestServer.Reply cancel = server.delete("/api/sessions/" + id + "/stream");
      assertThat(cancel.json().path("cancelled").asBoolean()).isTrue();
      SseClient.Event end = sse.next();
      assertThat(end.name()).isEqualTo("error");
      assertThat(json(end).path("code").asText()).isEqualTo("cancelled");
      assertThat(sse.next()).isNull();
    }
    assertThat(Processes.isRunning(fake.takeInvocation().pid())).isFalse();
    assertError(server.delete("/api/sessions/" + id + "/stream"), 404);
  }

  @Test
  void aDisconnectCancelsTheTurnWhenConfiguredTo() throws Exception {
    start(StreamingConfig.DEFAULT.toBuilder().heartbeat(Duration.ofMillis(100)).retention(Duration.ofMinutes(10))
        .cancelOnDisconnect(true).build());
    String id = createSession();
    fake.enqueue(FakeReply.script().line(FakeReply.initLine(id)).hang());
    try (SseClient sse = stream(id, "{\"prompt\":\"go\"}")) {
      assertThat(sse.next().name()).isEqualTo("message");
    }
    long pid = fake.takeInvocation().pid();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (Processes.isRunning(pid) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(Processes.isRunning(pid)).isFalse();
  }

  /** Seed defect #36: the close handler wrote to a response the timeout had already ended. */
  @Test
  void aTimedOutStreamEndsWithOneErrorEvent() {
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .execution(dev.ccs.core.config.ExecutionConfig.of(Duration.ofMillis(1500), Duration.ofSeconds(1))).build();
    server = TestServer.start(config);
    String id = createSession();
    fake.enqueue(FakeReply.script().line(FakeReply.initLine(id)).hang());

    try (SseClient sse = stream(id, "{\"prompt\":\"go\"}")) {
      List<SseClient.Event> events = sse.rest();
      assertThat(events).extracting(SseClient.Event::name).containsExactly("message", "error");
      assertThat(json(events.get(1)).path("code").asText()).isEqualTo("timeout");
    }
    JsonNode messages = server.get("/api/sessions/" + id + "/messages?order=asc").json().path("messages");
    assertThat(messages).hasSize(2);
    assertThat(messages.get(1).at("/metadata/is_error").asBoolean()).isTrue();
  }

  /** Seed defect #37: every stream stayed in memory for ever. */
  @Test
  void finishedStreamsAreForgottenAfterTheirRetention() throws Exception {
    start(StreamingConfig.DEFAULT.toBuilder().heartbeat(Duration.ofSeconds(15)).retention(Duration.ofMillis(300))
        .cancelOnDisconnect(false).build());
    String id = createSession();
    String streamId;
    try (SseClient sse = stream(id, "{\"prompt\":\"go\"}")) {
      streamId = sse.header("X-Stream-Id");
      sse.rest();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (server.ccs().streams().size() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(server.ccs().streams().size()).isZero();
    assertError(server.get("/api/sessions/" + id + "/stream/resume?stream_id=" + streamId), 404);
  }

  @Test
  void continueWithStreamTrueStreamsToo() {
    start();
    String id = createSession();

    try (SseClient sse = SseClient.open(server.client(), HttpRequest.newBuilder(server.uri("/api/sessions/" + id + "/continue"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\",\"stream\":true}"))
        .build())) {
      assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
      assertThat(sse.rest()).extracting(SseClient.Event::name).endsWith("done");
    }
  }

  private static JsonNode json(SseClient.Event event) {
    try {
      return Json.parse(event.data());
    } catch (java.io.IOException e) {
      throw new AssertionError(event.data(), e);
    }
  }

  private static void assertJsonError(SseClient sse, int status) {
    try (sse) {
      assertThat(sse.status()).isEqualTo(status);
      assertThat(sse.header("Content-Type")).startsWith("application/json");
      JsonNode body = Json.parse(sse.text());
      assertThat(body.path("success").asBoolean()).isFalse();
      assertThat(body.path("error").asText()).isNotBlank();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertError(TestServer.Reply reply, int status) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    assertThat(reply.json().path("success").asBoolean()).isFalse();
  }
}
