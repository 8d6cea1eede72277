package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.LoadBalanceConfig;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.testing.MutableClock;
import dev.ccs.testkit.MockAnthropic;
import dev.ccs.testkit.RealClaude;
import dev.ccs.testkit.RecordedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The balancer with the real, pinned CLI and two mock Messages APIs as two providers (two base
 * URLs, two keys): sessions alternate, each mock sees only its own key, a session stays on its
 * provider, and when its provider fails the session goes on elsewhere with its history, and comes
 * back after a probe.
 */
@Tag("real-cli")
@Timeout(300)
class RealClaudeBalanceTest {

  @TempDir
  Path temp;

  private MockAnthropic mockA;
  private MockAnthropic mockB;
  private TestServer server;
  private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");

  @BeforeEach
  void setUp() {
    Path claude = RealClaude.executable();
    mockA = MockAnthropic.start();
    mockB = MockAnthropic.start();
    Map<String, String> environment = new HashMap<>(RealClaude.environment(temp.resolve("home"), mockA));
    // Only the providers say where to go and with which key.
    environment.remove("ANTHROPIC_BASE_URL");
    environment.remove("ANTHROPIC_API_KEY");
    environment.put("CCS_TEST_KEY_B", "key-b");
    CcsConfig config = TestServer.config(temp.resolve("ccs"), claude).toBuilder()
        .providers(List.of(
            new ProviderConfig("a", "A", "key-a", mockA.baseUrl(), 1, true, Map.of()),
            new ProviderConfig("b", "B", "${env:CCS_TEST_KEY_B}", mockB.baseUrl(), 1, true, Map.of())))
        .loadBalance(new LoadBalanceConfig("round-robin", true, 2, Duration.ofMinutes(30), Duration.ofSeconds(60)))
        .build();
    server = TestServer.start(config, environment, b -> b.clock(clock));
  }

  @AfterEach
  void tearDown() {
    server.close();
    mockA.close();
    mockB.close();
  }

  private String createSession() {
    TestServer.Reply created = server.post("/api/sessions", "{\"project_path\":\"proj\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.json().at("/session/id").asText();
  }

  private JsonNode turn(String id, String question, String answer) {
    TestServer.Reply reply = server.post("/api/sessions/" + id + "/continue",
        "{\"prompt\":\"" + question + " [[mock:text=" + answer + "]]\"}");
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(reply.json().path("result").asText()).isEqualTo(answer);
    return reply.json();
  }

  private static RecordedRequest last(MockAnthropic mock) {
    List<RecordedRequest> calls = mock.messagesRequests();
    return calls.get(calls.size() - 1);
  }

  private String state(String provider) {
    for (JsonNode p : server.get("/api/load-balance/status").json().path("providers")) {
      if (p.path("id").asText().equals(provider)) {
        return p.path("state").asText();
      }
    }
    throw new AssertionError(provider);
  }

  @Test
  void sessionsAlternateStayOnTheirProviderFailOverWithTheirHistoryAndComeBackAfterAProbe() {
    List<String> sessions = List.of(createSession(), createSession(), createSession(), createSession());
    for (int i = 0; i < sessions.size(); i++) {
      turn(sessions.get(i), "hello " + i, "hi " + i);
    }
    // Round-robin: a, b, a, b; each mock saw only its own key, as both headers the Node server sets.
    assertThat(mockA.messagesRequests()).hasSize(2);
    assertThat(mockB.messagesRequests()).hasSize(2);
    assertThat(mockA.messagesRequests()).allSatisfy(r -> {
      assertThat(r.headers()).containsEntry("x-api-key", "key-a").containsEntry("authorization", "Bearer key-a");
    });
    assertThat(mockB.messagesRequests()).allSatisfy(r -> {
      assertThat(r.headers()).containsEntry("x-api-key", "key-b").containsEntry("authorization", "Bearer key-b");
    });
    assertThat(last(mockA).messageTexts("user")).anyMatch(t -> t.contains("hello 2"));

    // A session's turns all go to its provider.
    String id = sessions.get(0);
    turn(id, "question 2", "answer 2");
    assertThat(mockA.messagesRequests()).hasSize(3);
    assertThat(mockB.messagesRequests()).hasSize(2);

    // Provider a answers 529: each refused turn is run again on b, with the session's history.
    mockA.failAllWith(529);
    turn(id, "question 3", "answer 3");
    RecordedRequest onB = last(mockB);
    assertThat(onB.headers()).containsEntry("x-api-key", "key-b");
    assertThat(onB.messageTexts("user")).anyMatch(t -> t.contains("hello 0"))
        .anyMatch(t -> t.contains("question 2")).anyMatch(t -> t.contains("question 3"));
    assertThat(onB.messageTexts("assistant")).contains("hi 0", "answer 2");
    // The CLI keeps the refused attempt's question in its transcript, so b sees it twice (README,
    // "Providers and load balancing"); never three times, and never the refusal as an answer.
    assertThat(onB.messageTexts("user").stream().filter(t -> t.contains("question 3"))).hasSizeBetween(1, 2);
    assertThat(onB.messageTexts("assistant")).noneMatch(t -> t.contains("529"));
    turn(id, "question 4", "answer 4");
    assertThat(state("a")).isEqualTo("open");
    int refusedOnA = mockA.messagesRequests().size();
    turn(id, "question 5", "answer 5");
    assertThat(mockA.messagesRequests()).as("an open provider is not tried").hasSize(refusedOnA);
    assertThat(last(mockB).messageTexts("assistant")).contains("answer 3", "answer 4");

    // After the rest one probe goes to a, which has recovered; the session is home again with all of it.
    mockA.failAllWith(0);
    clock.advance(Duration.ofSeconds(60));
    turn(id, "question 6", "answer 6");
    assertThat(mockA.messagesRequests()).hasSize(refusedOnA + 1);
    assertThat(state("a")).isEqualTo("closed");
    RecordedRequest home = last(mockA);
    assertThat(home.headers()).containsEntry("x-api-key", "key-a");
    assertThat(home.messageTexts("assistant")).contains("hi 0", "answer 2", "answer 3", "answer 4", "answer 5");
    turn(id, "question 7", "answer 7");
    assertThat(mockA.messagesRequests()).hasSize(refusedOnA + 2);
    JsonNode session = server.get("/api/sessions/" + id).json().path("session");
    assertThat(session.path("provider_id").asText()).isEqualTo("a");
    assertThat(session.path("messages_count").asInt()).isEqualTo(7);
  }
}
