package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.LoadBalanceConfig;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.config.StatisticsConfig;
import dev.ccs.core.testing.MutableClock;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import dev.ccs.testkit.ShellClaude;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/statistics} over HTTP: exact counts under concurrency, every endpoint and its edges. */
@Timeout(300)
class StatisticsApiTest {

  @TempDir
  Path temp;

  private TestServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private static List<ProviderConfig> twoProviders() {
    return List.of(new ProviderConfig("a", "A", "key-a", "http://127.0.0.1:9/a", 1, true, Map.of()),
        new ProviderConfig("b", "B", "key-b", "http://127.0.0.1:9/b", 1, true, Map.of()));
  }

  private String createSession(String project) {
    TestServer.Reply reply = server.post("/api/sessions", "{\"project_path\":\"" + project + "\"}");
    assertThat(reply.status()).as(reply.text()).isEqualTo(201);
    return reply.json().at("/session/id").asText();
  }

  /** Node defects #24 (lost updates under concurrency) and #52 (float sums drift, gaps). */
  @Test
  void aThousandConcurrentRunsOnFiftySessionsAreCountedExactly() throws Exception {
    ShellClaude claude = ShellClaude.billing(temp.resolve("shell"), 123_000); // $0.0123 a run
    server = TestServer.start(TestServer.config(temp.resolve("home"), claude.executable()).toBuilder()
        .providers(twoProviders()).loadBalance(LoadBalanceConfig.DEFAULT).build());
    List<String> sessions = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sessions.add(createSession("p" + (i % 5)));
    }
    ExecutorService clients = Executors.newFixedThreadPool(16);
    List<Future<?>> done = new ArrayList<>();
    for (String id : sessions) {
      done.add(clients.submit(() -> {
        for (int turn = 0; turn < 20; turn++) {
          TestServer.Reply reply = server.post("/api/sessions/" + id + "/continue", "{\"prompt\":\"x\"}");
          assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        }
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    clients.shutdown();

    JsonNode summary = server.get("/api/statistics/summary").json().path("statistics");
    assertThat(summary.at("/requests/total").asLong()).isEqualTo(1000);
    assertThat(summary.at("/requests/successful").asLong()).isEqualTo(1000);
    assertThat(summary.at("/costs/total_usd").decimalValue()).isEqualByComparingTo("12.3");
    assertThat(summary.at("/costs/cost_basis").asText()).isEqualTo("cli_api_equivalent_estimate");
    assertThat(summary.at("/tokens/total_input").asLong()).isEqualTo(10_000);
    assertThat(summary.at("/tokens/total_output").asLong()).isEqualTo(2_000);
    long perModel = 0;
    for (JsonNode model : server.get("/api/statistics/models").json().path("models")) {
      assertThat(model.path("name").asText()).isIn("claude-a", "claude-b");
      assertThat(model.path("cost_usd").decimalValue())
          .isEqualByComparingTo(new BigDecimal("0.0123").multiply(BigDecimal.valueOf(model.path("count").asLong())));
      perModel += model.path("count").asLong();
    }
    assertThat(perModel).isEqualTo(1000);
    long perProvider = 0;
    for (JsonNode provider : server.get("/api/statistics/providers").json().path("providers")) {
      assertThat(provider.path("cost_usd").decimalValue()).isEqualByComparingTo(
          new BigDecimal("0.0123").multiply(BigDecimal.valueOf(provider.path("count").asLong())));
      perProvider += provider.path("count").asLong();
    }
    assertThat(perProvider).isEqualTo(1000);
    JsonNode today = server.get("/api/statistics/daily").json().at("/daily/0");
    assertThat(today.path("date").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
    assertThat(today.path("total_requests").asLong()).isEqualTo(1000);
    assertThat(today.path("total_cost_usd").decimalValue()).isEqualByComparingTo("12.3");
    JsonNode projects = server.get("/api/statistics/projects").json();
    assertThat(projects.path("count").asInt()).isEqualTo(5);
    assertThat(projects.at("/projects/0/count").asLong()).isEqualTo(200);
    // The statistics agree with the sessions' own totals.
    BigDecimal sessionTotal = BigDecimal.ZERO;
    for (String id : sessions) {
      sessionTotal = sessionTotal.add(server.get("/api/sessions/" + id).json().at("/session/total_cost_usd")
          .decimalValue());
    }
    assertThat(sessionTotal).isEqualByComparingTo("12.3");
  }

  @Test
  void daysRangesFailedRunsAndAModelSwitchWithinOneRun() {
    FakeClaude fake = FakeClaude.create(temp);
    MutableClock clock = MutableClock.startingAt("2026-01-31T10:00:00Z");
    server = TestServer.start(TestServer.config(temp.resolve("home"), fake.executable()),
        Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home")), b -> b.clock(clock));
    String id = createSession("p");
    // A run that used two models: its cost and tokens are split between them.
    fake.enqueue(FakeReply.script().line("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,"
        + "\"num_turns\":2,\"result\":\"ok\",\"session_id\":\"" + id + "\",\"total_cost_usd\":0.0075,"
        + "\"duration_api_ms\":40,\"usage\":{\"input_tokens\":30,\"output_tokens\":5},\"modelUsage\":{"
        + "\"claude-big\":{\"inputTokens\":20,\"outputTokens\":4,\"costUSD\":0.007},"
        + "\"claude-small\":{\"inputTokens\":100,\"outputTokens\":1,\"costUSD\":0.0005}}}"));
    assertThat(server.post("/api/sessions/" + id + "/continue", "{\"prompt\":\"x\"}").status()).isEqualTo(200);
    clock.advance(Duration.ofDays(2));
    // A failed run that was billed: counted as failed, with its cost (0.0095 - 0.0075).
    fake.enqueue(FakeReply.script().line("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,"
        + "\"num_turns\":1,\"result\":\"API Error: 500\",\"api_error_status\":500,\"session_id\":\"" + id + "\","
        + "\"total_cost_usd\":0.0095,\"modelUsage\":{\"claude-big\":{\"inputTokens\":30,\"outputTokens\":4,"
        + "\"costUSD\":0.009},\"claude-small\":{\"inputTokens\":100,\"outputTokens\":1,\"costUSD\":0.0005}}}")
        .exitCode(1));
    assertThat(server.post("/api/sessions/" + id + "/continue", "{\"prompt\":\"y\"}").status()).isEqualTo(502);

    JsonNode summary = server.get("/api/statistics/summary").json().path("statistics");
    assertThat(summary.at("/requests/total").asInt()).isEqualTo(2);
    assertThat(summary.at("/requests/failed").asInt()).isEqualTo(1);
    assertThat(summary.at("/requests/failed_by_code/api_error").asInt()).isEqualTo(1);
    assertThat(summary.at("/costs/total_usd").decimalValue()).isEqualByComparingTo("0.0095");
    assertThat(summary.at("/models/claude-big/cost_usd").decimalValue()).isEqualByComparingTo("0.009");
    assertThat(summary.at("/models/claude-big/count").asInt()).isEqualTo(2);
    assertThat(summary.at("/models/claude-small/cost_usd").decimalValue()).isEqualByComparingTo("0.0005");
    assertThat(summary.at("/models/claude-small/count").asInt()).as("not used by the second run").isEqualTo(1);
    assertThat(summary.at("/tokens/total_input").asInt()).isEqualTo(130);

    JsonNode daily = server.get("/api/statistics/daily?limit=5").json();
    assertThat(daily.path("count").asInt()).isEqualTo(2);
    assertThat(daily.at("/daily/0/date").asText()).isEqualTo("2026-02-02");
    assertThat(daily.at("/daily/0/failed_requests").asInt()).isEqualTo(1);
    assertThat(daily.at("/daily/1/date").asText()).isEqualTo("2026-01-31");
    assertThat(daily.at("/daily/1/models/claude-small").asInt()).isEqualTo(1);
    JsonNode range = server.get("/api/statistics/range?start=2026-01-30&end=2026-02-03").json();
    assertThat(range.path("count").asInt()).isEqualTo(5);
    assertThat(range.path("statistics")).extracting(d -> d.path("total_requests").asInt())
        .containsExactly(0, 1, 0, 1, 0);
    assertThat(server.get("/api/statistics/range?start=2025-12-01&end=2026-03-01").json().path("count").asInt())
        .isEqualTo(91);
    JsonNode overview = server.get("/api/statistics").json().path("statistics");
    assertThat(overview.path("recent_daily")).hasSize(2);
    assertThat(overview.at("/top_models/0/name").asText()).isEqualTo("claude-big");
    assertThat(server.get("/api/statistics/models?limit=1").json().path("models")).hasSize(1);

    for (String bad : List.of("", "?start=2026-01-01", "?start=2026-13-01&end=2026-12-31",
        "?start=2026-02-01&end=2026-01-31", "?start=2025-01-01&end=2026-02-05", "?start=2026-01-01&end=x&y=1")) {
      TestServer.Reply reply = server.get("/api/statistics/range" + bad);
      assertThat(reply.status()).as(bad).isEqualTo(400);
      assertThat(reply.json().path("success").asBoolean()).isFalse();
    }
    assertThat(server.get("/api/statistics/daily?limit=0").status()).isEqualTo(400);
  }

  @Test
  void disabledStatisticsSaySoAndCountNothing() {
    FakeClaude fake = FakeClaude.create(temp);
    server = TestServer.start(TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .statistics(new StatisticsConfig(false, Duration.ofMinutes(1), 400)).build());
    assertThat(server.post("/api/messages", "{\"prompt\":\"x\"}").status()).isEqualTo(200);
    for (String path : List.of("", "/summary", "/daily", "/range?start=2026-01-01&end=2026-01-02", "/models",
        "/providers", "/projects")) {
      TestServer.Reply reply = server.get("/api/statistics" + path);
      assertThat(reply.status()).as(path).isEqualTo(404);
      assertThat(reply.json().path("code").asText()).isEqualTo("statistics_disabled");
    }
    assertThat(server.ccs().statistics().allTime().total().requests()).isZero();
  }

  /**
   * Node defect #52: stream runs had no model or tokens, cache tokens were ignored and
   * {@code avg_duration_ms} was always 0.
   */
  @Test
  void aStreamedRunIsCountedWithItsModelCacheTokensAndDuration() {
    FakeClaude fake = FakeClaude.create(temp);
    server = TestServer.start(TestServer.config(temp.resolve("home"), fake.executable()));
    String id = createSession("p");
    fake.enqueue(FakeReply.script().line(FakeReply.initLine(id)).sleep(20).line("{\"type\":\"result\","
        + "\"subtype\":\"success\",\"is_error\":false,\"num_turns\":1,\"result\":\"ok\",\"session_id\":\"" + id
        + "\",\"total_cost_usd\":0.004,\"duration_api_ms\":12,\"usage\":{\"input_tokens\":7,\"output_tokens\":3},"
        + "\"modelUsage\":{\"claude-stream\":{\"inputTokens\":7,\"outputTokens\":3,\"cacheReadInputTokens\":100,"
        + "\"cacheCreationInputTokens\":20,\"costUSD\":0.004}}}"));
    try (SseClient stream = SseClient.open(server.client(), java.net.http.HttpRequest.newBuilder(
            server.uri("/api/sessions/" + id + "/continue/stream")).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}")).build())) {
      assertThat(stream.rest()).extracting(SseClient.Event::name).contains("done");
    }
    JsonNode summary = server.get("/api/statistics/summary").json().path("statistics");
    assertThat(summary.at("/requests/total").asInt()).isEqualTo(1);
    assertThat(summary.at("/models/claude-stream/count").asInt()).isEqualTo(1);
    assertThat(summary.at("/models/claude-stream/cost_usd").decimalValue()).isEqualByComparingTo("0.004");
    assertThat(summary.at("/tokens/total_input").asInt()).isEqualTo(7);
    assertThat(summary.at("/tokens/total_cache_read").asInt()).isEqualTo(100);
    assertThat(summary.at("/tokens/total_cache_write").asInt()).isEqualTo(20);
    assertThat(summary.at("/duration_ms/average").asLong()).isGreaterThanOrEqualTo(20);
    assertThat(summary.at("/duration_ms/total_api").asLong()).isEqualTo(12);
    assertThat(server.get("/api/statistics/daily").json().at("/daily/0/avg_duration_ms").asLong())
        .isGreaterThanOrEqualTo(20);
  }
}
