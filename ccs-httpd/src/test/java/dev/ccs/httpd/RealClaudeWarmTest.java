package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.WarmSessionsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.process.Processes;
import dev.ccs.testkit.MockAnthropic;
import dev.ccs.testkit.RealClaude;
import dev.ccs.testkit.RecordedRequest;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm sessions with the real, pinned CLI against the mock Messages API: one live process answers a
 * session's turns, and everything that must end it (a cancel it cannot interrupt, a timeout, another
 * model, a kill) leaves the session whole.
 */
@Tag("real-cli")
@Timeout(240)
class RealClaudeWarmTest {

  @TempDir
  Path temp;

  private MockAnthropic mock;
  private TestServer server;

  @BeforeEach
  void setUp() {
    Path claude = RealClaude.executable();
    mock = MockAnthropic.start();
    CcsConfig config = TestServer.config(temp.resolve("ccs"), claude).toBuilder()
        .warmSessions(new WarmSessionsConfig(true, 4, Duration.ofMinutes(5), 100, 4096)).build();
    server = TestServer.start(config, RealClaude.environment(temp.resolve("home"), mock), b -> b);
  }

  @AfterEach
  void tearDown() {
    server.close();
    mock.close();
  }

  private String createSession() {
    TestServer.Reply created = server.post("/api/sessions", "{\"project_path\":\"proj\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.json().at("/session/id").asText();
  }

  private JsonNode turn(String id, String body) {
    TestServer.Reply reply = server.post("/api/sessions/" + id + "/continue", body);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.json();
  }

  private JsonNode warm(String id) {
    return server.get("/api/sessions/" + id).json().at("/session/warm");
  }

  private JsonNode assistantMessages(String id) {
    JsonNode messages = server.get("/api/sessions/" + id + "/messages?order=asc&limit=100").json().path("messages");
    List<JsonNode> answers = new ArrayList<>();
    messages.forEach(m -> {
      if (m.path("role").asText().equals("assistant")) {
        answers.add(m);
      }
    });
    return Json.mapper().valueToTree(answers);
  }

  @Test
  void threeTurnsAreAnsweredByOneProcessWithTheHistoryAndExactCosts() {
    String id = createSession();
    List<Long> pids = new ArrayList<>();
    for (int turn = 1; turn <= 3; turn++) {
      JsonNode reply = turn(id, "{\"prompt\":\"question " + turn + " [[mock:text=answer " + turn + "]]\"}");
      assertThat(reply.path("result").asText()).isEqualTo("answer " + turn);
      pids.add(warm(id).path("pid").asLong());
    }

    assertThat(pids).containsOnly(pids.get(0));
    assertThat(pids.get(0)).isPositive();
    assertThat(warm(id).path("turns").asInt()).isEqualTo(3);
    assertThat(warm(id).path("rss_bytes").asLong()).isGreaterThan(50L << 20);
    RecordedRequest third = mock.messagesRequests().get(mock.messagesRequests().size() - 1);
    assertThat(third.messageTexts("user")).anyMatch(t -> t.contains("question 1"))
        .anyMatch(t -> t.contains("question 2")).anyMatch(t -> t.contains("question 3"));
    assertThat(third.messageTexts("assistant")).contains("answer 1", "answer 2");
    // Each turn costs its own share of the process's running total, and they add up to it.
    JsonNode answers = assistantMessages(id);
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal previousTotal = BigDecimal.ZERO;
    for (JsonNode answer : answers) {
      BigDecimal cost = answer.at("/metadata/cost_usd").decimalValue();
      BigDecimal total = answer.at("/metadata/cli_total_cost_usd").decimalValue();
      assertThat(cost).isPositive().isEqualByComparingTo(total.subtract(previousTotal));
      previousTotal = total;
      sum = sum.add(cost);
    }
    assertThat(answers.get(1).at("/metadata/cost_usd").decimalValue())
        .isEqualByComparingTo(answers.get(2).at("/metadata/cost_usd").decimalValue());
    JsonNode session = server.get("/api/sessions/" + id).json().path("session");
    assertThat(session.path("total_cost_usd").decimalValue()).isEqualByComparingTo(sum).isEqualByComparingTo(previousTotal);
    JsonNode health = server.get("/health").json().path("warm_sessions");
    assertThat(health.at("/turns/warm/count").asLong()).isEqualTo(2);
    assertThat(health.at("/turns/cold/count").asLong()).isEqualTo(1);
    assertThat(health.path("processes").asInt()).isEqualTo(1);
    assertThat(server.get("/metrics").text()).contains("ccs_session_turns_total{kind=\"warm\"} 2");
  }

  @Test
  void theBudgetHoldsOnAWarmProcess() {
    TestServer.Reply created = server.post("/api/sessions", "{\"project_path\":\"proj\",\"max_budget_usd\":1.0}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String id = created.json().at("/session/id").asText();
    // Each turn reports 100 000 input and 10 000 output tokens: $0.60 at the CLI's prices.
    JsonNode first = turn(id, "{\"prompt\":\"one [[mock:usage=100000,10000]] [[mock:text=ok]]\"}");
    assertThat(first.path("cost_usd").decimalValue()).isEqualByComparingTo("0.6");
    long pid = warm(id).path("pid").asLong();

    // The process was started with --max-budget-usd 1 (what the session had left): the CLI itself
    // ends the turn that goes past it, as a cold run started with the $0.40 left would end.
    TestServer.Reply second = server.post("/api/sessions/" + id + "/continue",
        "{\"prompt\":\"two [[mock:usage=100000,10000]] [[mock:text=ok]]\"}");
    assertThat(second.status()).as(second.text()).isNotEqualTo(200);
    assertThat(second.text()).contains("max_budget_reached");
    assertThat(warm(id).path("pid").asLong()).isEqualTo(pid);

    // Spent: nothing more runs, warm or cold.
    int requests = mock.messagesRequests().size();
    TestServer.Reply third = server.post("/api/sessions/" + id + "/continue", "{\"prompt\":\"three\"}");
    assertThat(third.json().path("code").asText()).as(third.text()).isEqualTo("budget_exceeded");
    assertThat(mock.messagesRequests()).hasSize(requests);
    assertThat(server.get("/api/sessions/" + id).json().at("/session/total_cost_usd").decimalValue())
        .isEqualByComparingTo("1.2");
  }

  @Test
  void aCancelledTurnIsInterruptedThroughTheControlProtocolAndTheProcessAnswersTheNext() throws Exception {
    String id = createSession();
    turn(id, "{\"prompt\":\"first [[mock:text=one]]\"}");
    long pid = warm(id).path("pid").asLong();

    try (SseClient sse = SseClient.open(server.client(), HttpRequest.newBuilder(
        server.uri("/api/sessions/" + id + "/continue/stream")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"slow [[mock:slow=30]] [[mock:text="
            + "abcdefghijklmnopqrstuvwxyz]]\"}")).build())) {
      // Wait for the answer to be streaming, then cancel.
      while (!sse.next().data().contains("text_delta")) {
        // events before the first delta
      }
      long before = System.nanoTime();
      assertThat(server.delete("/api/sessions/" + id + "/stream").status()).isEqualTo(200);
      List<SseClient.Event> rest = sse.rest();
      assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
      assertThat(rest.get(rest.size() - 1).data()).contains("cancel");
    }
    // The interrupt ended the turn, not the process: it answers the next turn, and nothing else of it runs.
    assertThat(Processes.isRunning(pid)).isTrue();
    assertThat(ProcessHandle.of(pid).orElseThrow().descendants().filter(ProcessHandle::isAlive).count()).isZero();
    JsonNode reply = turn(id, "{\"prompt\":\"third [[mock:text=three]]\"}");
    assertThat(reply.path("result").asText()).isEqualTo("three");
    assertThat(warm(id).path("pid").asLong()).isEqualTo(pid);

    server.close();
    assertThat(gone(pid)).isTrue();
  }

  @Test
  void aTimedOutWarmTurnEndsItsProcessAndTheNextTurnResumes() {
    String id = createSession();
    turn(id, "{\"prompt\":\"first [[mock:text=one]]\"}");
    long pid = warm(id).path("pid").asLong();

    TestServer.Reply submitted = server.post("/api/messages", "{\"prompt\":\"slow [[mock:slow=60]]\",\"session_id\":\""
        + id + "\",\"async\":true,\"timeout_ms\":3000}");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
    String task = submitted.json().path("task_id").asText();
    JsonNode ended = awaitTask(task);

    assertThat(ended.path("status").asText()).isNotEqualTo("completed");
    assertThat(ended.toString()).contains("timeout");
    assertThat(Processes.isRunning(pid)).isFalse();
    assertThat(warm(id).path("state").asText()).isEqualTo("none");
    JsonNode reply = turn(id, "{\"prompt\":\"again [[mock:text=back]]\"}");
    assertThat(reply.path("result").asText()).isEqualTo("back");
    RecordedRequest last = mock.messagesRequests().get(mock.messagesRequests().size() - 1);
    assertThat(last.messageTexts("assistant")).contains("one");
  }

  @Test
  void anotherModelMidSessionRunsOnANewProcessWithThatModel() {
    String id = createSession();
    turn(id, "{\"prompt\":\"first [[mock:text=one]]\"}");
    long pid = warm(id).path("pid").asLong();

    JsonNode reply = turn(id, "{\"prompt\":\"second [[mock:text=two]]\",\"model\":\"claude-other-model\"}");

    assertThat(reply.path("result").asText()).isEqualTo("two");
    RecordedRequest last = mock.messagesRequests().get(mock.messagesRequests().size() - 1);
    assertThat(last.body().path("model").asText()).isEqualTo("claude-other-model");
    assertThat(last.messageTexts("assistant")).contains("one");
    assertThat(warm(id).path("pid").asLong()).isNotEqualTo(pid).isPositive();
    assertThat(gone(pid)).isTrue();
  }

  @Test
  void aKilledWarmProcessIsRecoveredByANewOneThatResumesTheSession() throws Exception {
    String id = createSession();
    turn(id, "{\"prompt\":\"first [[mock:text=one]]\"}");
    long pid = warm(id).path("pid").asLong();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!warm(id).path("state").asText().equals("crashed") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(warm(id).path("state").asText()).isEqualTo("crashed");

    JsonNode reply = turn(id, "{\"prompt\":\"second [[mock:text=two]]\"}");

    assertThat(reply.path("result").asText()).isEqualTo("two");
    RecordedRequest last = mock.messagesRequests().get(mock.messagesRequests().size() - 1);
    assertThat(last.messageTexts("user")).anyMatch(t -> t.contains("first"));
    assertThat(last.messageTexts("assistant")).contains("one");
    assertThat(warm(id).path("pid").asLong()).isNotEqualTo(pid);
    assertThat(server.get("/health").json().at("/warm_sessions/crashed").asLong()).isEqualTo(1);
  }

  @Test
  void aWarmTurnStreamsTheSameEventsAsAColdOne() throws Exception {
    String cold = createSession();
    String warm = createSession();
    turn(cold, "{\"prompt\":\"first [[mock:text=one]]\",\"warm\":false}");
    turn(warm, "{\"prompt\":\"first [[mock:text=one]]\"}");

    List<String> coldEvents = streamShape(cold, "{\"prompt\":\"second [[mock:text=the same answer]]\","
        + "\"warm\":false}");
    List<String> warmEvents = streamShape(warm, "{\"prompt\":\"second [[mock:text=the same answer]]\"}");

    assertThat(warm(warm).path("turns").asInt()).isEqualTo(2);
    assertThat(warm(cold).path("state").asText()).isEqualTo("none");
    assertThat(warmEvents).isEqualTo(coldEvents).contains("message system/init", "done");
  }

  /** The events of a streamed turn: name, and the type (and subtype or delta type) of each line. */
  private List<String> streamShape(String id, String body) throws Exception {
    try (SseClient sse = SseClient.open(server.client(), HttpRequest.newBuilder(
        server.uri("/api/sessions/" + id + "/continue/stream")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build())) {
      List<String> shape = new ArrayList<>();
      for (SseClient.Event event : sse.rest()) {
        if (!event.name().equals("message")) {
          shape.add(event.name());
          continue;
        }
        JsonNode line = Json.parse(event.data());
        String type = line.path("type").asText();
        String detail = type.equals("system") ? line.path("subtype").asText()
            : type.equals("stream_event") ? line.at("/event/type").asText() + line.at("/event/delta/type").asText("")
            : "";
        shape.add("message " + type + (detail.isEmpty() ? "" : "/" + detail));
      }
      return shape;
    }
  }

  /** Whether the process has ended, waiting up to 15 seconds. */
  private static boolean gone(long pid) {
    return ProcessHandle.of(pid).map(h -> Processes.awaitExit(h, Duration.ofSeconds(15))).orElse(true);
  }

  private JsonNode awaitTask(String id) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode task = server.get("/api/tasks/" + id).json().path("task");
      String status = task.path("status").asText();
      if (!status.equals("pending") && !status.equals("processing")) {
        return task;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("task " + id + " did not end");
  }
}
