package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ExecutionConfig;
import dev.ccs.core.config.HttpConfig;
import dev.ccs.core.config.StreamingConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.httpd.load.RawHttp;
import dev.ccs.testkit.ShellClaude;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each bound of the server answers, when reached, with a JSON 503 (or 429 for a client over its
 * own share) and {@code Retry-After}, at once, and starts or stores nothing.
 */
@Timeout(120)
class AdmissionTest {

  @TempDir
  Path temp;

  private ShellClaude fake;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private CcsConfig config(UnaryOperator<CcsConfig.Builder> change) {
    fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    return change.apply(TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()).build();
  }

  private static ExecutionConfig.Builder execution() {
    return ExecutionConfig.of(Duration.ofSeconds(60), Duration.ofSeconds(2)).toBuilder();
  }

  private static JsonNode assertRetryLater(TestServer.Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
    assertThat(reply.header("content-type")).startsWith("application/json");
    assertThat(reply.header("retry-after")).isNotNull();
    assertThat(Integer.parseInt(reply.header("retry-after"))).isPositive();
    assertThat(reply.json().path("code").asText()).isEqualTo(code);
    return reply.json();
  }

  private CompletableFuture<TestServer.Reply> async(String path, String body) {
    return CompletableFuture.supplyAsync(() -> server.post(path, body));
  }

  private void awaitRuns(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (fake.runs().size() < count) {
      assertThat(System.nanoTime()).as("the fake CLI never started").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void runsBeyondTheirBoundAndTheirWaitingLineAreRefused() throws Exception {
    server = TestServer.start(config(b -> b.execution(execution().maxConcurrentRuns(1).maxWaitingRuns(0).build())));
    CompletableFuture<TestServer.Reply> running = async("/api/messages", "{\"prompt\":\"wait:2000 long\"}");
    awaitRuns(1);
    JsonNode refused = assertRetryLater(server.post("/api/messages", "{\"prompt\":\"x\"}"), 503, "run_capacity");
    assertThat(refused.path("error").asText()).contains("execution.maxConcurrentRuns");
    assertRetryLater(server.post("/api/messages", "{\"prompt\":\"x\",\"stream\":true}"), 503, "run_capacity");
    assertThat(running.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(fake.runs()).hasSize(1);
    // The refused messages left no empty session behind: only the one that ran is stored.
    assertThat(server.get("/api/sessions").json().path("count").asInt()).isEqualTo(1);
    // Room again.
    assertThat(server.post("/api/messages", "{\"prompt\":\"x\"}").status()).isEqualTo(200);
  }

  @Test
  void aTurnThatCannotGetARunInTimeIsRefused() throws Exception {
    server = TestServer.start(config(b -> b.execution(execution().maxConcurrentRuns(1).maxWaitingRuns(5)
        .runWaitTimeout(Duration.ofMillis(300)).build())));
    CompletableFuture<TestServer.Reply> running = async("/api/messages", "{\"prompt\":\"wait:3000 long\"}");
    awaitRuns(1);
    assertRetryLater(server.post("/api/messages", "{\"prompt\":\"x\"}"), 503, "run_wait_timeout");
    assertThat(running.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
  }

  @Test
  void aSessionWithTooManyWaitingTurnsIsToldToSlowDownWhileOthersAreServed() throws Exception {
    server = TestServer.start(config(b -> b.execution(execution().maxWaitingTurnsPerSession(1).build())));
    String id = server.post("/api/sessions", "{\"project_path\":\"p\"}").json().path("session").path("id").asText();
    CompletableFuture<TestServer.Reply> first = async("/api/sessions/" + id + "/continue",
        "{\"prompt\":\"wait:2000 first\"}");
    awaitRuns(1);
    CompletableFuture<TestServer.Reply> second = async("/api/sessions/" + id + "/continue", "{\"prompt\":\"second\"}");
    Thread.sleep(300); // the second turn waits behind the first
    JsonNode refused = assertRetryLater(server.post("/api/sessions/" + id + "/continue", "{\"prompt\":\"third\"}"),
        429, "session_busy");
    assertThat(refused.path("error").asText()).contains("execution.maxWaitingTurnsPerSession");
    // Another session is served meanwhile.
    assertThat(server.post("/api/messages", "{\"prompt\":\"elsewhere\"}").status()).isEqualTo(200);
    assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(second.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
  }

  @Test
  void oneStreamReaderTooManyIsRefusedBeforeAnyTurnStarts() throws Exception {
    server = TestServer.start(config(b -> b.streaming(StreamingConfig.DEFAULT.toBuilder().maxClients(1).build())));
    String id = server.post("/api/sessions", "{\"project_path\":\"p\"}").json().path("session").path("id").asText();
    try (SseClient stream = SseClient.open(server.client(), HttpRequest.newBuilder(server.uri("/api/sessions/" + id
        + "/continue/stream")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"wait:2000 streamed\"}")).build())) {
      assertThat(stream.status()).isEqualTo(200);
      awaitRuns(1);
      String other = server.post("/api/sessions", "{\"project_path\":\"p\"}").json().path("session").path("id")
          .asText();
      assertRetryLater(server.post("/api/sessions/" + other + "/continue/stream", "{\"prompt\":\"x\"}"), 503,
          "too_many_streams");
      assertThat(fake.runs()).hasSize(1);
      assertThat(stream.rest()).extracting(SseClient.Event::name).contains("done");
    }
    // The reader's place is free once its stream ended.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.ccs().streams().clients() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(server.ccs().streams().clients()).isZero();
  }

  @Test
  void aFullQueueRefusesSubmissionsAndStoresNothing() throws Exception {
    server = TestServer.start(config(b -> b.taskQueue(TaskQueueConfig.of(1, Duration.ofMinutes(2)).withMaxPending(2))));
    assertThat(server.post("/api/async/messages", "{\"prompt\":\"wait:3000 runs\"}").status()).isEqualTo(202);
    awaitRuns(1);
    assertThat(server.post("/api/async/messages", "{\"prompt\":\"waits 1\"}").status()).isEqualTo(202);
    assertThat(server.post("/api/async/messages", "{\"prompt\":\"waits 2\"}").status()).isEqualTo(202);
    JsonNode refused = assertRetryLater(server.post("/api/async/messages", "{\"prompt\":\"one too many\"}"), 503,
        "queue_full");
    assertThat(refused.path("error").asText()).contains("taskQueue.maxPending");
    assertRetryLater(server.post("/api/messages/batches", "{\"prompts\":[\"a\"]}"), 503, "queue_full");
    assertThat(server.get("/api/tasks").json().path("count").asInt()).isEqualTo(3);
  }

  @Test
  void whenEveryHandlerThreadIsBusyTheNextRequestIsAnswered503AtOnce() throws Exception {
    // The Java 17 pool, whatever this JVM: two threads, no line.
    server = TestServer.startPooled(config(b -> b.http(HttpConfig.DEFAULT.toBuilder().maxThreads(2)
        .maxQueuedRequests(0).build())));
    CompletableFuture<TestServer.Reply> a = async("/api/messages", "{\"prompt\":\"wait:2000 a\"}");
    CompletableFuture<TestServer.Reply> b = async("/api/messages", "{\"prompt\":\"wait:2000 b\"}");
    awaitRuns(2);
    try (RawHttp raw = new RawHttp(server.port(), 5_000)) {
      long start = System.nanoTime();
      RawHttp.Response shed = raw.get("/health");
      assertThat(shed.status()).isEqualTo(503);
      assertThat(shed.isJson()).isTrue();
      assertThat(shed.header("retry-after")).isEqualTo("1");
      assertThat(shed.text()).contains("server_busy").contains("http.maxThreads");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1500);
    }
    assertThat(a.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(b.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(server.get("/health").status()).isEqualTo(200);
  }

  @Test
  void bodiesBeyondTheInFlightBudgetWaitForNothingAndAreRefused() throws Exception {
    server = TestServer.start(config(b -> b.http(HttpConfig.DEFAULT.toBuilder().maxBodyBytes(96 * 1024)
        .maxBodyBytesInFlight(100 * 1024).build())));
    // A client that has sent 64 kB of a body and then stops holds 64 kB of the budget (one that
    // has sent nothing yet holds only its first buffer).
    try (RawHttp slow = new RawHttp(server.port(), 5_000)) {
      slow.writeOnly("POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
          + (90 * 1024) + "\r\n\r\n{\"prompt\":\"" + "y".repeat(64 * 1024));
      Thread.sleep(500);
      String body = "{\"prompt\":\"" + "x".repeat(40 * 1024) + "\"}";
      assertRetryLater(server.post("/api/messages", body), 503, "server_busy");
      assertThat(server.post("/api/messages", "{\"prompt\":\"small\"}").status()).isEqualTo(200);
    }
  }
}
