package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.LoadBalanceConfig;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.testing.MutableClock;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import dev.ccs.testkit.Invocation;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/load-balance} and the balancer on every run, over HTTP against the fake CLI. The Node
 * server's load-balancing defects (seed-api.md §16 #4-#6, #40-#43) each have a test named here.
 */
@Timeout(180)
class LoadBalanceApiTest {

  private static final String KEY_A = "sk-ant-key-aaaaaaaa";
  private static final String KEY_B = "sk-ant-key-bbbbbbbb";
  private static final String GATEWAY_TOKEN = "gw-token-cccccccc";

  @TempDir
  Path temp;

  private FakeClaude fake;
  private TestServer server;
  private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");

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

  private CcsConfig config(boolean failover) {
    return TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .providers(List.of(
            new ProviderConfig("a", "A", KEY_A, "http://127.0.0.1:9/a", 1, true, Map.of()),
            new ProviderConfig("b", "B", "${env:CCS_TEST_KEY_B}", "http://127.0.0.1:9/b", 1, true,
                Map.of("ANTHROPIC_CUSTOM_HEADERS", "x-gw: " + GATEWAY_TOKEN, "EMPTY", ""))))
        .loadBalance(new LoadBalanceConfig("round-robin", failover, 2, Duration.ofMinutes(30),
            Duration.ofSeconds(60)))
        .build();
  }

  private TestServer start(CcsConfig config) {
    server = TestServer.start(config, Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home"),
        "CCS_TEST_KEY_B", KEY_B), b -> b.clock(clock));
    return server;
  }

  private String createSession(String project) {
    TestServer.Reply reply = server.post("/api/sessions", "{\"project_path\":\"" + project + "\"}");
    assertThat(reply.status()).as(reply.text()).isEqualTo(201);
    return reply.json().at("/session/id").asText();
  }

  private TestServer.Reply turn(String id) {
    return server.post("/api/sessions/" + id + "/continue", "{\"prompt\":\"x\"}");
  }

  private TestServer.Reply put(String path, String json) {
    return server.send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Runs a turn (which must succeed) and returns the CLI runs it made. */
  private List<Invocation> turnRuns(String id) {
    int before = fake.invocationCount();
    TestServer.Reply reply = turn(id);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    List<Invocation> runs = new java.util.ArrayList<>();
    for (int i = before; i < fake.invocationCount(); i++) {
      runs.add(fake.takeInvocation());
    }
    return runs;
  }

  private static String provider(Invocation invocation) {
    String url = invocation.env().get("ANTHROPIC_BASE_URL");
    return url.substring(url.length() - 1);
  }

  private static String overloaded(String sessionId) {
    return "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"num_turns\":1,"
        + "\"result\":\"API Error: 529 overloaded\",\"api_error_status\":529,\"session_id\":\"" + sessionId + "\","
        + "\"total_cost_usd\":0,\"usage\":{\"input_tokens\":0,\"output_tokens\":0}}";
  }

  private JsonNode status(String id) {
    for (JsonNode p : server.get("/api/load-balance/status").json().path("providers")) {
      if (p.path("id").asText().equals(id)) {
        return p;
      }
    }
    throw new AssertionError("no provider " + id);
  }

  @Test
  void withoutProvidersTheStatusSaysNoneAndProviderRoutesAre404() {
    server = TestServer.start(TestServer.config(temp.resolve("home"), fake.executable()));
    JsonNode status = server.get("/api/load-balance/status").json();
    assertThat(status.path("strategy").asText()).isEqualTo("none");
    assertThat(status.path("failover").asBoolean()).isFalse();
    assertThat(status.path("providers")).isEmpty();
    TestServer.Reply reset = server.post("/api/load-balance/providers/a/reset", "");
    assertThat(reset.status()).isEqualTo(404);
    assertThat(reset.json().path("error").asText()).isEqualTo("Load balancing not configured");
  }

  @Test
  void credentialsReachOnlyTheChildAndNoAnswerCarriesThem() {
    start(config(false));
    String onA = createSession("p");
    String onB = createSession("p");
    assertThat(turn(onA).status()).isEqualTo(200);
    assertThat(turn(onB).status()).isEqualTo(200);
    Invocation a = fake.takeInvocation();
    Invocation b = fake.takeInvocation();
    assertThat(a.env()).containsEntry("ANTHROPIC_API_KEY", KEY_A).containsEntry("ANTHROPIC_AUTH_TOKEN", KEY_A);
    // ${env:...} resolved for the run; env entries as given, an empty string included.
    assertThat(b.env()).containsEntry("ANTHROPIC_API_KEY", KEY_B).containsEntry("ANTHROPIC_AUTH_TOKEN", KEY_B)
        .containsEntry("ANTHROPIC_CUSTOM_HEADERS", "x-gw: " + GATEWAY_TOKEN).containsEntry("EMPTY", "");

    JsonNode status = server.get("/api/load-balance/status").json();
    assertThat(status.path("strategy").asText()).isEqualTo("round-robin");
    JsonNode first = status.at("/providers/0");
    assertThat(first.path("id").asText()).isEqualTo("a");
    assertThat(first.path("healthy").asBoolean()).isTrue();
    assertThat(first.path("state").asText()).isEqualTo("closed");
    assertThat(first.path("totalRequests").asInt()).isEqualTo(1);
    assertThat(first.path("total_requests").asInt()).isEqualTo(1);
    assertThat(first.path("bound_sessions").asInt()).isEqualTo(1);
    assertThat(first.path("boundSessions").asInt()).isEqualTo(1);
    assertThat(first.path("last_used_at").asText()).isEqualTo("2026-01-01T00:00:00Z");
    JsonNode bindings = server.get("/api/load-balance/bindings").json().path("bindings");
    assertThat(bindings.path(onA).asText()).isEqualTo("a");
    assertThat(bindings.path(onB).asText()).isEqualTo("b");
    assertThat(server.get("/api/sessions/" + onB).json().at("/session/provider_id").asText()).isEqualTo("b");

    // Node defect #5: keys in answers and in task records.
    String everything = status + server.get("/api/load-balance/bindings").text()
        + server.get("/api/sessions/" + onA).text() + server.get("/api/sessions/" + onA + "/messages").text()
        + server.get("/api/load-balance/settings/list").text();
    assertThat(everything).doesNotContain(KEY_A, KEY_B, GATEWAY_TOKEN, "127.0.0.1:9");
  }

  /** Node defects #4 (path traversal), #6 and #42 (a symlink over the project's own settings file). */
  @Test
  void providerSettingsArePassedWithTheirOwnFileAndNeverTouchTheProject() throws Exception {
    start(config(false));
    Path project = temp.resolve("home/workspace/shared");
    Files.createDirectories(project.resolve(".claude"));
    Files.writeString(project.resolve(".claude/settings.json"), "{\"user\": \"mine\"}");
    Files.writeString(temp.resolve("home/config.json"), "{\"secret\": \"do not read\"}");

    assertThat(put("/api/load-balance/providers/a/settings", "{\"settings\":{\"model\":\"model-a\","
        + "\"env\":{\"ANTHROPIC_AUTH_TOKEN\":\"settings-token-a\"}}}").status()).isEqualTo(200);
    assertThat(put("/api/load-balance/providers/b/settings", "{\"settings\":{\"model\":\"model-b\"}}").status())
        .isEqualTo(200);
    String onA = createSession("shared");
    String onB = createSession("shared");
    assertThat(turn(onA).status()).isEqualTo(200);
    assertThat(turn(onB).status()).isEqualTo(200);
    Invocation a = fake.takeInvocation();
    Invocation b = fake.takeInvocation();
    assertThat(Files.readString(Path.of(a.flag("--settings")))).contains("model-a").doesNotContain("model-b");
    assertThat(Files.readString(Path.of(b.flag("--settings")))).contains("model-b").doesNotContain("model-a");
    assertThat(Path.of(a.flag("--settings"))).startsWith(temp.resolve("home"));
    assertThat(Files.readString(project.resolve(".claude/settings.json"))).isEqualTo("{\"user\": \"mine\"}");
    assertThat(Files.isSymbolicLink(project.resolve(".claude/settings.json"))).isFalse();

    JsonNode read = server.get("/api/load-balance/providers/a/settings").json();
    assertThat(read.at("/settings/model").asText()).isEqualTo("model-a");
    assertThat(read.toString()).doesNotContain("settings-token-a");
    assertThat(server.get("/api/load-balance/providers/a/settings/exists").json().path("exists").asBoolean())
        .isTrue();
    assertThat(server.get("/api/load-balance/settings/list").json().path("count").asInt()).isEqualTo(2);
    assertThat(server.delete("/api/load-balance/providers/b/settings").status()).isEqualTo(200);
    assertThat(server.delete("/api/load-balance/providers/b/settings").status()).isEqualTo(404);
    TestServer.Reply missing = server.get("/api/load-balance/providers/b/settings");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().path("hint").asText()).contains("PUT /api/load-balance/providers/b/settings");
    assertThat(turn(onB).status()).isEqualTo(200);
    assertThat(fake.takeInvocation().hasFlag("--settings")).isFalse();

    for (String bad : List.of("..%2Fconfig", "..%2F..%2Fconfig", "a.b", "%2e%2e")) {
      TestServer.Reply reply = server.get("/api/load-balance/providers/" + bad + "/settings");
      assertThat(reply.status()).as(bad).isEqualTo(400);
      assertThat(reply.text()).doesNotContain("do not read");
      assertThat(put("/api/load-balance/providers/" + bad + "/settings", "{\"settings\":{}}").status()).isEqualTo(400);
      assertThat(server.delete("/api/load-balance/providers/" + bad + "/settings").status()).isEqualTo(400);
    }
    assertThat(temp.resolve("home/config.json")).exists();
    assertThat(server.get("/api/load-balance/providers/zz/settings").status()).isEqualTo(404);
    assertThat(put("/api/load-balance/providers/a/settings", "{\"model\":\"x\"}").status()).isEqualTo(400);
    assertThat(put("/api/load-balance/providers/a/settings", "{\"settings\":{},\"extra\":1}").status())
        .isEqualTo(400);
  }

  /** Node defect #40: failover could move a session onto another unhealthy provider; no recovery. */
  @Test
  void aRefusedRunIsRetriedOnceElsewhereTheProviderOpensAndAProbeAfterTheRestTakesItsSessionsBack() {
    start(config(true));
    String id = createSession("p");
    fake.enqueue(FakeReply.script().line(overloaded(id)).exitCode(1));

    // The first run is refused before the model answered: it runs once more on the other provider.
    List<Invocation> first = turnRuns(id);
    String home = provider(first.get(0));
    String other = home.equals("a") ? "b" : "a";
    assertThat(first).extracting(LoadBalanceApiTest::provider).as("then the retry (resumed or new, as the CLI says)")
        .containsExactly(home, other, other);
    assertThat(first.get(1).flag("--resume")).isEqualTo(id);
    assertThat(server.get("/api/load-balance/bindings").json().at("/bindings/" + id).asText()).isEqualTo(home);
    assertThat(status(home).path("consecutive_failures").asInt()).isEqualTo(1);

    // A second refusal opens the home provider; its next turns run on the other one without trying it.
    fake.enqueue(FakeReply.script().line(overloaded(id)).exitCode(1));
    assertThat(turnRuns(id)).extracting(LoadBalanceApiTest::provider).containsExactly(home, other);
    assertThat(status(home).path("state").asText()).isEqualTo("open");
    assertThat(status(home).path("last_error").asText()).contains("529");
    List<Invocation> failedOver = turnRuns(id);
    assertThat(failedOver).extracting(LoadBalanceApiTest::provider).containsExactly(other);
    assertThat(failedOver.get(0).args()).contains("--resume=" + id);
    // New sessions do not go to the open provider either.
    for (int i = 0; i < 3; i++) {
      assertThat(turnRuns(createSession("q" + i))).extracting(LoadBalanceApiTest::provider).containsExactly(other);
    }

    // After the rest, one probe goes home; it succeeds and the session is home again.
    clock.advance(Duration.ofSeconds(60));
    assertThat(turnRuns(id)).extracting(LoadBalanceApiTest::provider).containsExactly(home);
    assertThat(status(home).path("state").asText()).isEqualTo("closed");
    assertThat(turnRuns(id)).extracting(LoadBalanceApiTest::provider).containsExactly(home);
  }

  /** Node defects #41 and #43: bindings, runtime disable and health were memory only. */
  @Test
  void aRestartKeepsBindingsDisabledProvidersAndBreakers() {
    start(config(false));
    String onA = createSession("p");
    String onB = createSession("p");
    assertThat(turn(onA).status()).isEqualTo(200);
    fake.enqueue(FakeReply.script().line(overloaded(onB)).exitCode(1));
    fake.enqueue(FakeReply.script().line(overloaded(onB)).exitCode(1));
    assertThat(turn(onB).status()).isEqualTo(502);
    assertThat(turn(onB).status()).isEqualTo(502);
    assertThat(status("b").path("state").asText()).isEqualTo("open");
    assertThat(server.post("/api/load-balance/providers/a/disable", "").json().path("message").asText())
        .isEqualTo("Provider a disabled");
    assertThat(status("a").path("enabled").asBoolean()).isFalse();
    server.close();

    start(config(false));
    assertThat(status("a").path("enabled").asBoolean()).isFalse();
    assertThat(status("a").path("enabled_by").asText()).isEqualTo("runtime");
    assertThat(status("b").path("state").asText()).isEqualTo("open");
    assertThat(status("b").path("total_failures").asInt()).isEqualTo(2);
    assertThat(server.get("/api/load-balance/bindings").json().at("/bindings/" + onB).asText()).isEqualTo("b");

    assertThat(server.post("/api/load-balance/providers/a/enable", "").status()).isEqualTo(200);
    assertThat(server.post("/api/load-balance/providers/b/reset", "").json().path("message").asText())
        .isEqualTo("Provider b health reset");
    assertThat(status("b").path("state").asText()).isEqualTo("closed");
    fake.invocations();
    assertThat(turn(onA).status()).isEqualTo(200);
    assertThat(server.post("/api/load-balance/providers/nope/enable", "").status()).isEqualTo(404);
    assertThat(server.post("/api/load-balance/providers/bad.id/enable", "").status()).isEqualTo(400);
  }

  /** Node defect #43: the stream, continue and batch paths did not report to the balancer. */
  @Test
  void everyRunPathGoesThroughTheBalancerAndReportsItsOutcome() throws Exception {
    start(config(false));
    assertThat(server.post("/api/messages", "{\"prompt\":\"sync\"}").status()).isEqualTo(200);
    String id = createSession("p");
    assertThat(turn(id).status()).isEqualTo(200);
    try (SseClient stream = SseClient.open(server.client(), HttpRequest.newBuilder(
            server.uri("/api/sessions/" + id + "/continue/stream")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"streamed\"}")).build())) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.rest()).extracting(SseClient.Event::name).contains("done");
    }
    String task = server.post("/api/async/messages", "{\"prompt\":\"queued\"}").json().path("task_id").asText();
    assertThat(server.post("/api/messages/batches", "{\"prompts\":[\"one\",\"two\"]}").status()).isEqualTo(200);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!server.get("/api/tasks/" + task).json().at("/task/status").asText().equals("completed")) {
      assertThat(System.nanoTime()).as("the task completes").isLessThan(deadline);
      Thread.sleep(20);
    }

    int reported = 0;
    for (JsonNode p : server.get("/api/load-balance/status").json().path("providers")) {
      reported += p.path("total_requests").asInt();
    }
    assertThat(reported).isEqualTo(6).isEqualTo(fake.invocationCount());
    for (Invocation run : fake.invocations()) {
      assertThat(run.env()).containsKey("ANTHROPIC_BASE_URL");
    }
  }
}
