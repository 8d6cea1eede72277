package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ExecutionConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.config.WebhookConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.process.ProcessTags;
import dev.ccs.core.process.Processes;
import dev.ccs.core.webhook.WebhookSigner;
import dev.ccs.testkit.MockAnthropic;
import dev.ccs.testkit.RealClaude;
import dev.ccs.testkit.WebhookReceiver;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The task queue and its webhooks with the real CLI against the mock Messages API. */
@Tag("real-cli")
@Timeout(180)
class RealClaudeTasksTest {

  private static final String SECRET = "whsec_real_cli_test";

  @TempDir
  Path temp;

  private Path claude;
  private MockAnthropic mock;
  private WebhookReceiver receiver;
  private TestServer server;

  @BeforeEach
  void setUp() {
    claude = RealClaude.executable();
    mock = MockAnthropic.start();
    receiver = WebhookReceiver.start();
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    mock.close();
    receiver.close();
  }

  private CcsConfig config(int retries) {
    return TestServer.config(temp.resolve("ccs"), claude).toBuilder()
        .taskQueue(new TaskQueueConfig(2, Duration.ofMinutes(2), retries, Duration.ofMillis(200), true))
        .webhook(new WebhookConfig(false, null, Duration.ofSeconds(5), 3, SECRET, true))
        .build();
  }

  private void start(CcsConfig config) {
    server = TestServer.start(config, RealClaude.environment(temp.resolve("home"), mock), b -> b);
  }

  private JsonNode await(String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode task = server.get("/api/tasks/" + id).json().path("task");
      if (!task.path("status").asText().equals("pending") && !task.path("status").asText().equals("processing")) {
        return task;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("task " + id + " did not finish");
  }

  @Test
  void anAsyncTaskRunsTheRealCliAndItsSignedWebhookVerifies() throws Exception {
    start(config(0));

    TestServer.Reply accepted = server.post("/api/async/messages", "{\"prompt\":\"queued [[mock:text=from the queue]]\","
        + "\"webhook_url\":\"" + receiver.url("/hooks/ccs") + "\"}");
    assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
    String id = accepted.json().path("task_id").asText();
    JsonNode done = await(id);

    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
    assertThat(done.path("result").asText()).isEqualTo("from the queue");
    assertThat(done.path("cost_usd").decimalValue()).isPositive();
    assertThat(done.at("/usage/input_tokens").asInt()).isEqualTo(12);

    WebhookReceiver.Received started = receiver.take("task.started");
    WebhookReceiver.Received completed = receiver.take("task.completed");
    assertThat(completed.path()).isEqualTo("/hooks/ccs");
    WebhookSigner signer = new WebhookSigner(SECRET);
    long now = Instant.now().getEpochSecond();
    assertThat(signer.verify(started.header("x-ccs-signature"), started.body(), now, 300)).isTrue();
    assertThat(signer.verify(completed.header("x-ccs-signature"), completed.body(), now, 300)).isTrue();
    assertThat(new WebhookSigner("another secret").verify(completed.header("x-ccs-signature"), completed.body(), now,
        300)).isFalse();
    JsonNode envelope = Json.parse(completed.body());
    assertThat(envelope.at("/data/task_id").asText()).isEqualTo(id);
    assertThat(envelope.at("/data/result").asText()).isEqualTo("from the queue");
    assertThat(envelope.at("/data/session_id").asText()).isEqualTo(accepted.json().path("session_id").asText());
    assertThat(envelope.at("/data/cost_usd").decimalValue()).isEqualByComparingTo(done.path("cost_usd").decimalValue());

    // The task's events, replayed after the end: its status changes and the CLI's own stream-json lines.
    try (SseClient sse = SseClient.open(server.client(), HttpRequest.newBuilder(server.uri("/api/tasks/" + id
        + "/events")).build())) {
      List<SseClient.Event> events = sse.rest();
      assertThat(events).extracting(SseClient.Event::name).contains("status", "message").endsWith("done");
      assertThat(events).filteredOn(e -> e.name().equals("message"))
          .anyMatch(e -> typeOf(e).equals("system"))
          .anyMatch(e -> typeOf(e).equals("result"));
    }
  }

  private static String typeOf(SseClient.Event event) {
    try {
      return Json.parse(event.data()).path("type").asText();
    } catch (java.io.IOException e) {
      throw new AssertionError(event.data(), e);
    }
  }

  @Test
  void anOverloadedRunIsRetriedInTheSameCliSession() throws Exception {
    start(config(2));

    String id = server.post("/api/async/messages", "{\"prompt\":\"flaky [[mock:error=529,times=1]] "
        + "[[mock:text=second time lucky]]\",\"priority\":9}").json().path("task_id").asText();
    JsonNode done = await(id);

    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
    assertThat(done.path("result").asText()).isEqualTo("second time lucky");
    assertThat(done.path("attempts").asInt()).isEqualTo(2);
    assertThat(done.path("priority").asInt()).isEqualTo(9);
    // Both attempts are in the session's history, the failed one marked as an error.
    JsonNode messages = server.get("/api/sessions/" + done.path("session_id").asText() + "/messages?order=asc").json()
        .path("messages");
    assertThat(messages).extracting(m -> m.path("role").asText())
        .containsExactly("user", "assistant", "user", "assistant");
    assertThat(messages.get(1).at("/metadata/is_error").asBoolean()).isTrue();
    assertThat(messages.get(3).path("content").asText()).isEqualTo("second time lucky");
    assertThat(mock.messagesRequests()).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void cancellingARunningTaskEndsTheRealCli() throws Exception {
    CcsConfig config = config(0);
    start(config);
    String id = server.post("/api/async/messages", "{\"prompt\":\"hold [[mock:text=never seen]] [[mock:gate=held]]\"}")
        .json().path("task_id").asText();
    mock.awaitGate("held", Duration.ofSeconds(60));
    var processes = ProcessTags.ofOwner(Ccs.ownerTag(config)).keySet();
    assertThat(processes).isNotEmpty();

    TestServer.Reply cancelled = server.delete("/api/tasks/" + id);

    assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
    assertThat(cancelled.json().at("/task/status").asText()).isEqualTo("cancelled");
    assertThat(processes).noneMatch(p -> Processes.isRunning(p.pid()));
    mock.release("held");
    Thread.sleep(300);
    assertThat(server.get("/api/tasks/" + id).json().at("/task/status").asText()).isEqualTo("cancelled");
  }

  /**
   * The server dies (SIGKILL) while the real CLI is mid-answer, so the CLI has already stored the
   * session: the next server ends the orphaned CLI first, then runs the task again, and the CLI's
   * "already in use" for the session id makes it resume that session instead.
   */
  @Test
  void aTaskInterruptedByACrashRunsAgainAfterTheOrphanedCliIsEnded() throws Exception {
    Map<String, String> environment = RealClaude.environment(temp.resolve("home"), mock);
    CcsConfig config = config(0).toBuilder()
        .execution(ExecutionConfig.of(Duration.ofMinutes(2), Duration.ofSeconds(5)))
        .build();
    Path configFile = temp.resolve("config.json");
    HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(null)).build();

    String id;
    List<ProcessHandle> orphans;
    try (ServerProcess first = ServerProcess.start(config, configFile, temp.resolve("first.log"), environment)) {
      HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(first.uri("/api/async/messages"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"survive [[mock:text=made it]] [[mock:gate=crash]]\"}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      id = Json.parse(accepted.body()).path("task_id").asText();
      mock.awaitGate("crash", Duration.ofSeconds(60));
      first.kill();
      orphans = List.copyOf(ProcessTags.ofOwner(Ccs.ownerTag(config)).keySet());
    }
    assertThat(orphans).as("the real CLI, still waiting for its answer").isNotEmpty().allMatch(p -> Processes.isRunning(p.pid()));

    try (ServerProcess second = ServerProcess.start(config, configFile, temp.resolve("second.log"), environment)) {
      assertThat(orphans).noneMatch(p -> Processes.isRunning(p.pid()));
      mock.release("crash");
      JsonNode task = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline) {
        task = Json.parse(client.send(HttpRequest.newBuilder(second.uri("/api/tasks/" + id)).build(),
            HttpResponse.BodyHandlers.ofString()).body()).path("task");
        if (task.path("status").asText().equals("completed") || task.path("status").asText().equals("failed")) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(task.path("status").asText()).as(task + "\n" + second.log()).isEqualTo("completed");
      assertThat(task.path("result").asText()).isEqualTo("made it");
      assertThat(task.path("attempts").asInt()).isEqualTo(2);
      assertThat(second.stop()).isIn(0, 143);
      // The first run had stored the CLI session: the second run was refused "already in use" and resumed it.
      assertThat(second.log()).contains("ended 1 process(es) left running by a previous server")
          .contains("1 requeued").contains("the CLI says the session exists; retrying with --resume");
    }
    assertThat(ProcessTags.ofOwner(Ccs.ownerTag(config))).isEmpty();
  }
}
