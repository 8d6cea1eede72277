package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.MockAnthropic;
import dev.ccs.testkit.RealClaude;
import dev.ccs.testkit.RecordedRequest;
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

/** Sessions and streams through HTTP with the real, pinned CLI against the mock Messages API. */
@Tag("real-cli")
@Timeout(180)
class RealClaudeSessionsTest {

  @TempDir
  Path temp;

  private MockAnthropic mock;
  private TestServer server;

  @BeforeEach
  void setUp() {
    Path claude = RealClaude.executable();
    mock = MockAnthropic.start();
    CcsConfig config = TestServer.config(temp.resolve("ccs"), claude);
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

  private SseClient stream(String id, String prompt) {
    return SseClient.open(server.client(), HttpRequest.newBuilder(server.uri("/api/sessions/" + id + "/continue/stream"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.object().put("prompt", prompt).toString())).build());
  }

  @Test
  void aThreeTurnSessionCarriesTheEarlierTurnsToTheApi() {
    String id = createSession();

    for (int turn = 1; turn <= 3; turn++) {
      TestServer.Reply reply = server.post("/api/sessions/" + id + "/continue",
          "{\"prompt\":\"question " + turn + " [[mock:text=answer " + turn + "]]\"}");
      assertThat(reply.status()).as(reply.text()).isEqualTo(200);
      assertThat(reply.json().path("result").asText()).isEqualTo("answer " + turn);
      assertThat(reply.json().path("session_id").asText()).isEqualTo(id);
    }

    List<RecordedRequest> calls = mock.messagesRequests();
    RecordedRequest third = calls.get(calls.size() - 1);
    assertThat(third.messageTexts("user")).anyMatch(t -> t.contains("question 1"));
    assertThat(third.messageTexts("user")).anyMatch(t -> t.contains("question 2"));
    assertThat(third.messageTexts("user")).anyMatch(t -> t.contains("question 3"));
    assertThat(third.messageTexts("assistant")).contains("answer 1", "answer 2");
    JsonNode session = server.get("/api/sessions/" + id).json().path("session");
    assertThat(session.path("messages_count").asInt()).isEqualTo(3);
    // Each turn's cost is its own, although the CLI reports a running total.
    JsonNode messages = server.get("/api/sessions/" + id + "/messages?order=asc").json().path("messages");
    assertThat(messages.get(1).at("/metadata/cost_usd").decimalValue())
        .isEqualByComparingTo(messages.get(5).at("/metadata/cost_usd").decimalValue());
    assertThat(session.path("total_cost_usd").decimalValue())
        .isEqualByComparingTo(messages.get(5).at("/metadata/cli_total_cost_usd").decimalValue());
  }

  @Test
  void theFirstStreamedEventReachesTheClientBeforeTheApiHasFinished() {
    String id = createSession();

    try (SseClient sse = stream(id, "stream it [[mock:gate=held]] [[mock:text=hello world from the stream]]")) {
      assertThat(sse.status()).isEqualTo(200);
      // The mock has sent its first text delta and now holds the rest of its answer.
      mock.awaitGate("held", Duration.ofSeconds(60));
      List<JsonNode> before = new ArrayList<>();
      JsonNode delta = null;
      while (delta == null) {
        SseClient.Event event = sse.next();
        assertThat(event.name()).isEqualTo("message");
        JsonNode line = Json.parse(event.data());
        before.add(line);
        if (line.path("type").asText().equals("stream_event")
            && line.at("/event/delta/type").asText().equals("text_delta")) {
          delta = line;
        }
      }
      assertThat(mock.streamsFinished()).isZero();
      assertThat(before.get(0).path("type").asText()).isEqualTo("system");
      assertThat(delta.at("/event/delta/text").asText()).isNotEmpty();

      mock.release("held");
      List<SseClient.Event> rest = sse.rest();
      assertThat(rest.get(rest.size() - 1).name()).isEqualTo("done");
      assertThat(Json.parse(rest.get(rest.size() - 1).data()).path("result").asText())
          .isEqualTo("hello world from the stream");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aReconnectWithLastEventIdGetsExactlyTheMissedEvents() throws Exception {
    String id = createSession();
    String streamId;
    List<SseClient.Event> firstPart = new ArrayList<>();
    try (SseClient sse = stream(id, "slowly [[mock:slow=3]] [[mock:text=abcdefghij]]")) {
      streamId = sse.header("X-Stream-Id");
      for (int i = 0; i < 3; i++) {
        firstPart.add(sse.next());
      }
    }
    long lastSeen = Long.parseLong(firstPart.get(2).id());

    List<SseClient.Event> missed;
    try (SseClient again = SseClient.open(server.client(), HttpRequest.newBuilder(
        server.uri("/api/sessions/" + id + "/stream/resume?stream_id=" + streamId))
        .header("Last-Event-ID", Long.toString(lastSeen)).build())) {
      missed = again.rest();
    }

    // Exactly the events after the last one seen: consecutive ids, none repeated, ending in done.
    assertThat(Long.parseLong(missed.get(0).id())).isEqualTo(lastSeen + 1);
    for (int i = 1; i < missed.size(); i++) {
      assertThat(Long.parseLong(missed.get(i).id())).isEqualTo(Long.parseLong(missed.get(i - 1).id()) + 1);
    }
    assertThat(missed.get(missed.size() - 1).name()).isEqualTo("done");
    // And what was missed is what a client that stayed would have seen.
    try (SseClient whole = SseClient.open(server.client(), HttpRequest.newBuilder(
        server.uri("/api/sessions/" + id + "/stream/resume?stream_id=" + streamId)).header("Last-Event-ID", "0").build())) {
      List<SseClient.Event> all = whole.rest();
      assertThat(all.subList((int) lastSeen, all.size())).extracting(SseClient.Event::data)
          .containsExactlyElementsOf(missed.stream().map(SseClient.Event::data).toList());
      assertThat(all.subList(0, 3)).extracting(SseClient.Event::data)
          .containsExactlyElementsOf(firstPart.stream().map(SseClient.Event::data).toList());
    }
    assertThat(server.get("/api/sessions/" + id).json().at("/session/messages_count").asInt()).isEqualTo(1);
  }
}
