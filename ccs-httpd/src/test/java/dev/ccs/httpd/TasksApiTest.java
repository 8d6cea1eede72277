package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.config.WebhookConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.process.Processes;
import dev.ccs.core.webhook.WebhookSigner;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import dev.ccs.testkit.Invocation;
import dev.ccs.testkit.WebhookReceiver;
import java.net.http.HttpRequest;
import java.nio.file.Path;
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

/** The task queue over HTTP against the fake CLI; each seed defect of the queue has a test here. */
@Timeout(180)
class TasksApiTest {

  private static final String SECRET = "whsec_test_secret_value";

  @TempDir
  Path temp;

  private FakeClaude fake;
  private TestServer server;
  private WebhookReceiver receiver;

  @BeforeEach
  void setUp() {
    fake = FakeClaude.create(temp);
    receiver = WebhookReceiver.start();
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    receiver.close();
  }

  private CcsConfig config(int concurrency, int retries) {
    return TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .taskQueue(new TaskQueueConfig(concurrency, Duration.ofMinutes(2), retries, Duration.ofMillis(200), true))
        .webhook(new WebhookConfig(false, null, Duration.ofSeconds(5), 3, SECRET, true))
        .build();
  }

  private void start(CcsConfig config) {
    server = TestServer.start(config);
  }

  private void start() {
    start(config(3, 0));
  }

  private String submit(String body) {
    TestServer.Reply reply = server.post("/api/async/messages", body);
    assertThat(reply.status()).as(reply.text()).isEqualTo(202);
    return reply.json().path("task_id").asText();
  }

  private JsonNode task(String id) {
    return server.get("/api/tasks/" + id).json().path("task");
  }

  private JsonNode await(String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode task = task(id);
      String status = task.path("status").asText();
      if (!status.equals("pending") && !status.equals("processing")) {
        return task;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("task " + id + " did not finish: " + task(id));
  }

  private void awaitStatus(String id, String status) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!task(id).path("status").asText().equals(status)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("task " + id + " never became " + status + ": " + task(id));
      }
      Thread.sleep(20);
    }
  }

  /** Seed defects #18 (workspace ignored) and #19 (session_id always null). */
  @Test
  void anAsyncMessageIsAcceptedThenRunsInTheWorkspaceInItsOwnSession() throws Exception {
    start();

    TestServer.Reply reply = server.post("/api/async/messages", "{\"prompt\":\"later please\",\"priority\":7}");

    assertThat(reply.status()).isEqualTo(202);
    JsonNode accepted = reply.json();
    assertThat(accepted.path("success").asBoolean()).isTrue();
    assertThat(accepted.path("message").asText()).isEqualTo("Task created successfully");
    assertThat(accepted.path("status").asText()).isEqualTo("pending");
    assertThat(accepted.path("priority").asInt()).isEqualTo(7);
    String id = accepted.path("task_id").asText();
    JsonNode done = await(id);
    assertThat(done.path("status").asText()).isEqualTo("completed");
    assertThat(done.path("result").asText()).isEqualTo("Echo: later please");
    assertThat(done.path("cost_usd").decimalValue()).isEqualByComparingTo("0.001");
    assertThat(done.path("session_id").asText()).isEqualTo(accepted.path("session_id").asText());
    assertThat(done.path("project_path").asText()).isEqualTo(temp.resolve("home/workspace").toString());
    assertThat(done.path("started_at").asText()).isNotEmpty();
    assertThat(done.path("completed_at").asText()).isNotEmpty();
    assertThat(fake.takeInvocation().cwd()).isEqualTo(temp.resolve("home/workspace"));
    JsonNode session = server.get("/api/sessions/" + done.path("session_id").asText()).json().path("session");
    assertThat(session.path("messages_count").asInt()).isEqualTo(1);

    TestServer.Reply created = server.post("/api/tasks/async",
        "{\"prompt\":\"in a project\",\"project_path\":\"sub/dir\",\"metadata\":{\"k\":\"v\"}}");
    assertThat(created.status()).isEqualTo(201);
    JsonNode task = created.json().path("task");
    assertThat(task.path("project_path").asText()).isEqualTo(temp.resolve("home/workspace/sub/dir").toString());
    assertThat(task.path("metadata").path("k").asText()).isEqualTo("v");
    assertThat(await(task.path("id").asText()).path("status").asText()).isEqualTo("completed");
  }

  /** Issue 12: Node clients read a task's session, webhook and options under metadata. */
  @Test
  void aTaskAlsoCarriesTheNodeServersMetadataPlacement() throws Exception {
    start(config(3, 0));
    TestServer.Reply created = server.post("/api/tasks/async", "{\"prompt\":\"x\",\"system_prompt\":\"be brief\","
        + "\"max_budget_usd\":0.5,\"allowed_tools\":[\"Read\"],\"metadata\":{\"k\":\"v\",\"agent\":\"mine\"}}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    JsonNode task = await(created.json().at("/task/id").asText());
    JsonNode metadata = task.path("metadata");
    assertThat(metadata.path("session_id").asText()).isEqualTo(task.path("session_id").asText()).isNotEmpty();
    assertThat(metadata.has("webhook_url")).isTrue();
    assertThat(metadata.path("system_prompt").asText()).isEqualTo("be brief");
    assertThat(metadata.path("max_budget_usd").decimalValue()).isEqualByComparingTo("0.5");
    assertThat(metadata.path("allowed_tools").get(0).asText()).isEqualTo("Read");
    // The client's own keys win over the Node placement, and no provider object is there.
    assertThat(metadata.path("k").asText()).isEqualTo("v");
    assertThat(metadata.path("agent").asText()).isEqualTo("mine");
    assertThat(metadata.has("provider")).isFalse();
    // Ours stays where it was.
    assertThat(task.path("options").path("system_prompt").asText()).isEqualTo("be brief");
    // Lists: all by default, has_more when cut.
    server.post("/api/tasks/async", "{\"prompt\":\"y\"}");
    JsonNode all = server.get("/api/tasks").json();
    assertThat(all.path("count").asInt()).isEqualTo(2);
    assertThat(all.path("has_more").asBoolean()).isFalse();
    JsonNode one = server.get("/api/tasks?limit=1").json();
    assertThat(one.path("count").asInt()).isEqualTo(1);
    assertThat(one.path("has_more").asBoolean()).isTrue();
    JsonNode next = server.get("/api/tasks?limit=1&cursor=" + one.path("next_cursor").asText()).json();
    assertThat(next.path("count").asInt()).isEqualTo(1);
    assertThat(next.path("has_more").asBoolean()).isFalse();
    assertThat(next.at("/tasks/0/id").asText()).isEqualTo(task.path("id").asText());
  }

  /** Includes Node defect #9 over HTTP: a metadata or loopback webhook target is refused at submission. */
  @Test
  void badSubmissionsAreRefusedBeforeAnythingIsStored() {
    start(config(3, 0).toBuilder().webhook(new WebhookConfig(false, null, Duration.ofSeconds(5), 3, SECRET, false)).build());

    SessionsApiTest.assertError(server.post("/api/async/messages", "{}"), 400, "\"prompt\" is required");
    SessionsApiTest.assertError(server.post("/api/async/messages", "{\"prompt\":\"x\",\"priority\":11}"), 400,
        "\"priority\" must be less than or equal to 10");
    SessionsApiTest.assertError(server.post("/api/async/messages", "{\"prompt\":\"x\",\"bogus\":1}"), 400,
        "\"bogus\" is not allowed");
    SessionsApiTest.assertError(server.post("/api/async/messages",
        "{\"prompt\":\"x\",\"webhook_url\":\"http://169.254.169.254/latest/meta-data\"}"), 400, null);
    SessionsApiTest.assertError(server.post("/api/async/messages", "{\"prompt\":\"x\",\"webhook_url\":\"http://127.0.0.1:9/\"}"),
        400, null);
    SessionsApiTest.assertError(server.post("/api/async/messages", "{\"prompt\":\"x\",\"webhook_url\":\"ftp://example.com/\"}"),
        400, null);
    SessionsApiTest.assertError(server.post("/api/tasks/async", "{\"prompt\":\"x\",\"project_path\":\"/etc\"}"), 403, null);
    SessionsApiTest.assertError(server.get("/api/tasks/" + UUID.randomUUID()), 404, "Task not found");
    SessionsApiTest.assertError(server.get("/api/tasks/nope"), 400, "Invalid task id: must be a UUID");
    SessionsApiTest.assertError(server.get("/api/tasks?status=weird"), 400, null);
    assertThat(server.get("/api/tasks").json().path("count").asInt()).isZero();
    assertThat(fake.invocationCount()).isZero();
  }

  @Test
  void higherPriorityRunsFirstAndEqualPrioritiesInOrder() throws Exception {
    start(config(1, 0));
    fake.enqueue(FakeReply.script().gate("blocker").emulate());
    String blocker = submit("{\"prompt\":\"blocker\"}");
    fake.awaitGate("blocker", 1);
    List<String> ids = new ArrayList<>();
    for (String[] p : new String[][] {{"low", "1"}, {"high-a", "10"}, {"mid", "5"}, {"high-b", "10"}}) {
      ids.add(submit("{\"prompt\":\"" + p[0] + "\",\"priority\":" + p[1] + "}"));
    }
    fake.release("blocker");
    await(blocker);
    for (String id : ids) {
      await(id);
    }

    assertThat(fake.invocations()).extracting(Invocation::stdin)
        .containsExactly("blocker", "high-a", "high-b", "mid", "low");
  }

  /** Seed defect #20: a priority change after dispatch was accepted and did nothing. */
  @Test
  void priorityChangesOnlyWhileWaiting() throws Exception {
    start(config(1, 0));
    fake.enqueue(FakeReply.script().gate("first").emulate());
    String running = submit("{\"prompt\":\"first\"}");
    fake.awaitGate("first", 1);
    String waiting = submit("{\"prompt\":\"second\",\"priority\":2}");
    String other = submit("{\"prompt\":\"third\",\"priority\":5}");

    TestServer.Reply changed = server.patch("/api/tasks/" + waiting + "/priority", "{\"priority\":9}");
    assertThat(changed.status()).as(changed.text()).isEqualTo(200);
    assertThat(changed.json().path("old_priority").asInt()).isEqualTo(2);
    assertThat(changed.json().path("new_priority").asInt()).isEqualTo(9);
    SessionsApiTest.assertError(server.patch("/api/tasks/" + running + "/priority", "{\"priority\":9}"), 400,
        "Cannot modify priority for task with status: processing");
    SessionsApiTest.assertError(server.patch("/api/tasks/" + waiting + "/priority", "{\"priority\":0}"), 400,
        "Priority must be a number between 1 and 10");
    fake.release("first");
    await(waiting);
    await(other);
    assertThat(fake.invocations()).extracting(Invocation::stdin).containsExactly("first", "second", "third");
    SessionsApiTest.assertError(server.patch("/api/tasks/" + waiting + "/priority", "{\"priority\":3}"), 400, null);
  }

  /** Seed defect #13: a cancel was overwritten by the run's later end, and the process lived on. */
  @Test
  void cancellingEndsTheProcessTreeAndStaysCancelled() throws Exception {
    start(config(1, 0));
    fake.enqueue(FakeReply.script().line(FakeReply.initLine(UUID.randomUUID().toString())).sleep(60_000)
        .line(FakeReply.resultLine(UUID.randomUUID().toString(), "late", "0.5", false, "success")));
    String running = submit("{\"prompt\":\"long\",\"webhook_url\":\"" + receiver.url("/own") + "\"}");
    String waiting = submit("{\"prompt\":\"never\"}");
    awaitStatus(running, "processing");
    Invocation call = fake.takeInvocation();

    TestServer.Reply cancelled = server.delete("/api/tasks/" + running);
    assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
    assertThat(cancelled.json().at("/task/status").asText()).isEqualTo("cancelled");
    assertThat(Processes.isRunning(call.pid())).isFalse();

    TestServer.Reply pendingCancel = server.delete("/api/tasks/" + waiting);
    assertThat(pendingCancel.json().at("/task/status").asText()).isEqualTo("cancelled");
    Thread.sleep(500);
    assertThat(task(running).path("status").asText()).isEqualTo("cancelled");
    assertThat(task(waiting).path("status").asText()).isEqualTo("cancelled");
    assertThat(fake.invocationCount()).isEqualTo(1);
    SessionsApiTest.assertError(server.delete("/api/tasks/" + running), 400, "Cannot cancel task with status: cancelled");
    assertThat(server.delete("/api/tasks/" + running).json().path("code").asText()).isEqualTo("task_finished");
    // #22: task.cancelled goes to the task's own URL too.
    assertThat(receiver.take("task.cancelled").body()).contains(running);
  }

  /** Seed defects #12 and #14: a timeout freed the slot but left the process running, then was overwritten. */
  @Test
  void aTimeoutEndsTheProcessAndIsFinal() throws Exception {
    start(config(1, 0));
    fake.enqueue(FakeReply.script().line(FakeReply.initLine(UUID.randomUUID().toString())).hang());
    String id = submit("{\"prompt\":\"stuck\",\"timeout_ms\":1500,\"webhook_url\":\"" + receiver.url("/t") + "\"}");

    JsonNode done = await(id);

    assertThat(done.path("status").asText()).isEqualTo("timeout");
    assertThat(done.path("error").asText()).isEqualTo("Task execution timeout");
    assertThat(Processes.isRunning(fake.takeInvocation().pid())).isFalse();
    assertThat(receiver.take("task.timeout").body()).contains("\"status\":\"timeout\"");
    String next = submit("{\"prompt\":\"after\"}");
    assertThat(await(next).path("status").asText()).isEqualTo("completed");
    assertThat(task(id).path("status").asText()).isEqualTo("timeout");
    assertThat(receiver.received()).extracting(r -> r.header("x-ccs-event")).doesNotContain("task.completed", "task.failed");
  }

  @Test
  void overloadIsRetriedWithItsPriorityAndExhaustedRetriesGoToTheDeadLetterList() throws Exception {
    start(config(1, 2));
    String overloaded = "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"api_error_status\":529,"
        + "\"result\":\"API Error: 529 overloaded\",\"total_cost_usd\":0.002,\"num_turns\":1}";
    fake.enqueue(FakeReply.script().line(overloaded).exitCode(1));
    fake.enqueue(FakeReply.script().line(overloaded).exitCode(1));
    String recovered = submit("{\"prompt\":\"flaky\",\"priority\":8}");
    JsonNode done = await(recovered);
    assertThat(done.path("status").asText()).isEqualTo("completed");
    assertThat(done.path("attempts").asInt()).isEqualTo(3);
    assertThat(done.path("priority").asInt()).isEqualTo(8);
    // Two failed attempts cost 0.002 each (the first run's total), plus the successful one.
    assertThat(done.path("cost_usd").decimalValue()).isGreaterThan(new java.math.BigDecimal("0.002"));
    // The statistics count each attempt that ran once, with what it was billed.
    JsonNode summary = server.get("/api/statistics/summary").json().path("statistics");
    assertThat(summary.at("/requests/total").asInt()).isEqualTo(3);
    assertThat(summary.at("/requests/failed_by_code/api_error").asInt()).isEqualTo(2);
    assertThat(summary.at("/costs/total_usd").decimalValue()).isEqualByComparingTo(done.path("cost_usd").decimalValue());

    for (int i = 0; i < 3; i++) {
      fake.enqueue(FakeReply.script().line(overloaded).exitCode(1));
    }
    String dead = submit("{\"prompt\":\"always overloaded\"}");
    JsonNode failed = await(dead);
    assertThat(failed.path("status").asText()).isEqualTo("failed");
    assertThat(failed.path("error_code").asText()).isEqualTo("api_error");
    assertThat(failed.path("dead_letter").asBoolean()).isTrue();
    assertThat(failed.path("attempts").asInt()).isEqualTo(3);
    JsonNode letters = server.get("/api/tasks/dead-letter").json();
    assertThat(letters.path("count").asInt()).isEqualTo(1);
    assertThat(letters.at("/tasks/0/id").asText()).isEqualTo(dead);

    TestServer.Reply replay = server.post("/api/tasks/" + dead + "/replay", "");
    assertThat(replay.status()).as(replay.text()).isEqualTo(201);
    String again = replay.json().at("/task/id").asText();
    assertThat(replay.json().at("/task/replay_of").asText()).isEqualTo(dead);
    assertThat(await(again).path("status").asText()).isEqualTo("completed");
    SessionsApiTest.assertError(server.post("/api/tasks/" + again + "/replay", ""), 409, null);
  }

  @Test
  void anIdempotencyKeyReturnsTheFirstTaskAndRefusesAnotherBody() throws Exception {
    start();
    HttpRequest.Builder first = HttpRequest.newBuilder(server.uri("/api/async/messages"))
        .header("Content-Type", "application/json").header("Idempotency-Key", "order-42")
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"once\"}"));
    TestServer.Reply one = server.send(first);
    TestServer.Reply two = server.send(HttpRequest.newBuilder(server.uri("/api/async/messages"))
        .header("Content-Type", "application/json").header("Idempotency-Key", "order-42")
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"once\"}")));
    TestServer.Reply other = server.send(HttpRequest.newBuilder(server.uri("/api/async/messages"))
        .header("Content-Type", "application/json").header("Idempotency-Key", "order-42")
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"twice\"}")));

    assertThat(one.status()).isEqualTo(202);
    assertThat(two.status()).isEqualTo(200);
    assertThat(two.json().path("task_id").asText()).isEqualTo(one.json().path("task_id").asText());
    assertThat(other.status()).isEqualTo(409);
    assertThat(other.json().path("code").asText()).isEqualTo("idempotency_key_reused");
    await(one.json().path("task_id").asText());
    assertThat(server.get("/api/tasks").json().path("count").asInt()).isEqualTo(1);
    assertThat(fake.invocationCount()).isEqualTo(1);
  }

  @Test
  void queueStatusCountsEveryState() throws Exception {
    start(config(1, 0));
    fake.enqueue(FakeReply.script().gate("a").emulate());
    String running = submit("{\"prompt\":\"a\"}");
    fake.awaitGate("a", 1);
    submit("{\"prompt\":\"b\"}");

    JsonNode queue = server.get("/api/tasks/queue/status").json().path("queue");
    // The Node server's types (issue 12): running is whether the queue runs, active_tasks a number.
    assertThat(queue.path("running").isBoolean()).isTrue();
    assertThat(queue.path("running").asBoolean()).isTrue();
    assertThat(queue.path("active_tasks").isInt()).isTrue();
    assertThat(queue.path("active_tasks").asInt()).isEqualTo(1);
    assertThat(queue.path("concurrency").asInt()).isEqualTo(1);
    assertThat(queue.path("pending").asInt()).isEqualTo(1);
    assertThat(queue.path("processing").asInt()).isEqualTo(1);
    assertThat(queue.path("total").asInt()).isEqualTo(2);
    assertThat(queue.path("active_task_ids").get(0).asText()).isEqualTo(running);
    assertThat(queue.path("oldest_pending_age_ms").asLong()).isGreaterThanOrEqualTo(0);
    fake.release("a");
  }

  @Test
  void aTasksEventsCanBeFollowedLiveAndReadAfterwards() throws Exception {
    start(config(1, 0));
    fake.enqueue(FakeReply.script().sleep(1000).emulate());
    String blocker = submit("{\"prompt\":\"blocker\"}");
    String id = submit("{\"prompt\":\"watched\"}");

    List<SseClient.Event> live;
    try (SseClient sse = SseClient.open(server.client(), HttpRequest.newBuilder(server.uri("/api/tasks/" + id + "/events")).build())) {
      assertThat(sse.status()).isEqualTo(200);
      live = sse.rest();
    }
    assertThat(live).extracting(SseClient.Event::name).startsWith("status", "status").endsWith("done");
    assertThat(Json.parse(live.get(0).data()).path("status").asText()).isEqualTo("pending");
    assertThat(Json.parse(live.get(1).data()).path("status").asText()).isEqualTo("processing");
    assertThat(live).extracting(SseClient.Event::name).contains("message");
    assertThat(Json.parse(live.get(live.size() - 1).data()).path("result").asText()).isEqualTo("Echo: watched");

    try (SseClient again = SseClient.open(server.client(), HttpRequest.newBuilder(server.uri("/api/tasks/" + id + "/events"))
        .header("Last-Event-ID", live.get(live.size() - 2).id()).build())) {
      assertThat(again.rest()).extracting(SseClient.Event::id).containsExactly(live.get(live.size() - 1).id());
    }
    await(blocker);
  }

  /** Seed defects #21 and #22, and #9's missing signature. */
  @Test
  void webhooksAreSignedRetriedLoggedAndOffTheTasksPath() throws Exception {
    start(config(1, 0));
    receiver.answer(500).delay(Duration.ofMillis(1500));
    String id = submit("{\"prompt\":\"notify me\",\"webhook_url\":\"" + receiver.url("/hook") + "\"}");

    // The slow receiver does not hold up the task, nor the next one.
    JsonNode done = await(id);
    String next = submit("{\"prompt\":\"next\"}");
    assertThat(await(next).path("status").asText()).isEqualTo("completed");
    assertThat(receiver.received()).hasSizeLessThan(3);

    WebhookReceiver.Received started = receiver.take("task.started");
    WebhookReceiver.Received completed = receiver.take("task.completed");
    WebhookSigner signer = new WebhookSigner(SECRET);
    long now = java.time.Instant.now().getEpochSecond();
    assertThat(signer.verify(completed.header("x-ccs-signature"), completed.body(), now, 300)).isTrue();
    assertThat(signer.verify(completed.header("x-ccs-signature"), completed.body() + " ", now, 300)).isFalse();
    JsonNode envelope = Json.parse(completed.body());
    assertThat(envelope.path("event").asText()).isEqualTo("task.completed");
    assertThat(envelope.path("timestamp").asText()).isNotEmpty();
    assertThat(envelope.at("/data/task_id").asText()).isEqualTo(id);
    assertThat(envelope.at("/data/result").asText()).isEqualTo("Echo: notify me");
    assertThat(envelope.at("/data/session_id").asText()).isEqualTo(done.path("session_id").asText());
    assertThat(completed.header("x-ccs-event-id")).isEqualTo(envelope.path("id").asText());
    assertThat(Json.parse(started.body()).at("/data/status").asText()).isEqualTo("processing");

    // The first attempt got a 500: it was retried (task.started arrives twice) and both attempts are logged.
    JsonNode log = server.get("/api/tasks/" + id + "/webhooks").json();
    JsonNode startedDelivery = null;
    for (JsonNode delivery : log.path("deliveries")) {
      if (delivery.path("event").asText().equals("task.started")) {
        startedDelivery = delivery;
      }
    }
    assertThat(startedDelivery).isNotNull();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!startedDelivery.path("status").asText().equals("delivered") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      for (JsonNode delivery : server.get("/api/tasks/" + id + "/webhooks").json().path("deliveries")) {
        if (delivery.path("event").asText().equals("task.started")) {
          startedDelivery = delivery;
        }
      }
    }
    assertThat(startedDelivery.path("status").asText()).isEqualTo("delivered");
    assertThat(startedDelivery.path("attempts")).hasSize(2);
    assertThat(startedDelivery.at("/attempts/0/status_code").asInt()).isEqualTo(500);
    assertThat(startedDelivery.at("/attempts/1/status_code").asInt()).isEqualTo(200);
  }

  /** Seed defect #53: a batch ran every prompt at once, beside the queue, and summed durations. */
  @Test
  void aBatchRunsThroughTheQueuesConcurrencyAndReportsItsElapsedTime() throws Exception {
    start(config(2, 0));
    fake.delayMillis(700);

    long start = System.nanoTime();
    CompletableFuture<TestServer.Reply> batch = CompletableFuture.supplyAsync(() ->
        server.post("/api/messages/batches", "{\"prompts\":[\"a\",\"b\",\"c\",\"d\"]}"));
    int maxRunning = 0;
    while (!batch.isDone()) {
      maxRunning = Math.max(maxRunning, server.get("/api/tasks/queue/status").json().at("/queue/active_tasks").asInt());
      Thread.sleep(30);
    }
    long elapsed = (System.nanoTime() - start) / 1_000_000;
    TestServer.Reply reply = batch.get();

    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    JsonNode body = reply.json();
    assertThat(body.path("results")).hasSize(4);
    assertThat(body.at("/results/0/result").asText()).isEqualTo("Echo: a");
    assertThat(body.at("/summary/successful").asInt()).isEqualTo(4);
    assertThat(body.at("/summary/total_cost_usd").decimalValue()).isEqualByComparingTo("0.004");
    assertThat(maxRunning).isEqualTo(2);
    long summed = 0;
    for (JsonNode result : body.path("results")) {
      summed += result.path("duration_ms").asLong();
    }
    assertThat(body.at("/summary/total_duration_ms").asLong()).isLessThanOrEqualTo(elapsed).isLessThan(summed);
    SessionsApiTest.assertError(server.post("/api/messages/batches", "{\"prompts\":[]}"), 400,
        "\"prompts\" must contain at least 1 items");
    SessionsApiTest.assertError(server.post("/api/messages/batches",
        "{\"prompts\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\"]}"), 400,
        "\"prompts\" must contain less than or equal to 10 items");
  }

  @Test
  void waitingTasksSurviveARestartAndRunAfterIt() throws Exception {
    start(config(1, 0));
    fake.enqueue(FakeReply.script().sleep(1000).emulate());
    String first = submit("{\"prompt\":\"one\"}");
    awaitStatus(first, "processing");
    String second = submit("{\"prompt\":\"two\"}");
    server.close();
    server = null;

    start(config(1, 0));

    assertThat(await(first).path("status").asText()).isEqualTo("completed");
    assertThat(await(second).path("status").asText()).isEqualTo("completed");
    assertThat(fake.invocations()).extracting(Invocation::stdin).containsSubsequence("one", "two");
  }

  @Test
  void aTaskInterruptedByAStopFailsWhenConfiguredTo() throws Exception {
    CcsConfig failing = config(1, 0).toBuilder()
        .taskQueue(new TaskQueueConfig(1, Duration.ofMinutes(2), 0, Duration.ofMillis(200), false)).build();
    start(failing);
    fake.enqueue(FakeReply.script().sleep(30_000).emulate());
    String id = submit("{\"prompt\":\"cut short\"}");
    awaitStatus(id, "processing");
    long pid = fake.takeInvocation().pid();
    server.close();
    server = null;
    // Seed defect #16: a stopping server left its CLI processes running.
    assertThat(Processes.isRunning(pid)).isFalse();

    start(failing);

    JsonNode task = await(id);
    assertThat(task.path("status").asText()).isEqualTo("failed");
    assertThat(task.path("error_code").asText()).isEqualTo("interrupted");
  }

  /** The seed stored the whole provider object, API key included, in every task's metadata. */
  @Test
  void providerSecretsNeverReachATaskItsWebhooksOrTheDataFiles() throws Exception {
    String secret = "sk-ant-provider-secret-0123456789";
    start(config(1, 0).toBuilder().providers(List.of(new dev.ccs.core.config.ProviderConfig("main", "Main", secret,
        "http://127.0.0.1:9/", 1, true, java.util.Map.of("EXTRA_TOKEN", secret + "-env")))).build());

    String id = submit("{\"prompt\":\"use the provider\",\"webhook_url\":\"" + receiver.url("/p") + "\"}");
    JsonNode done = await(id);

    assertThat(fake.takeInvocation().env()).containsEntry("ANTHROPIC_API_KEY", secret);
    assertThat(done.toString()).doesNotContain(secret);
    assertThat(server.get("/api/tasks").text()).doesNotContain(secret);
    assertThat(server.get("/api/tasks/" + id + "/events").text()).doesNotContain(secret);
    assertThat(receiver.take("task.completed").body()).doesNotContain(secret);
    server.close();
    server = null;
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(temp.resolve("home"))) {
      List<Path> stored = files.filter(java.nio.file.Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().equals("config.json")).toList();
      assertThat(stored).anyMatch(f -> f.toString().endsWith("tasks/journal-1.jsonl"))
          .anyMatch(f -> f.toString().endsWith("webhooks/journal-1.jsonl"));
      for (Path file : stored) {
        assertThat(java.nio.file.Files.readString(file)).as(file.toString()).doesNotContain(secret);
      }
    }
  }

  @Test
  void defaultWebhookUrlIsUsedOnlyWhenEnabledButTaskUrlsAlways() throws Exception {
    start(config(1, 0).toBuilder()
        .webhook(new WebhookConfig(true, receiver.url("/default"), Duration.ofSeconds(5), 0, SECRET, true)).build());

    String id = submit("{\"prompt\":\"both\",\"webhook_url\":\"" + receiver.url("/own") + "\"}");
    await(id);

    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (receiver.received().stream().filter(r -> "task.completed".equals(r.header("x-ccs-event"))).count() < 2
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(receiver.received()).filteredOn(r -> "task.completed".equals(r.header("x-ccs-event")))
        .extracting(WebhookReceiver.Received::path).containsExactlyInAnyOrder("/own", "/default");
  }
}
