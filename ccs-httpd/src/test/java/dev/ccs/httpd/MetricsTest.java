package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.config.AuthConfig;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.LoadBalanceConfig;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.config.SecurityConfig;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics}, read by a strict parser of the Prometheus text format 0.0.4. */
@Timeout(120)
class MetricsTest {

  @TempDir
  Path temp;

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

  private CcsConfig config() {
    return TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .providers(List.of(new ProviderConfig("a", "A", "key-a", "http://127.0.0.1:9/a", 1, true, Map.of()),
            new ProviderConfig("b", "B", "key-b", "http://127.0.0.1:9/b", 1, true, Map.of())))
        .loadBalance(LoadBalanceConfig.DEFAULT).build();
  }

  @Test
  void everyLineIsValidExpositionFormatAndTheNumbersAreTheServers() {
    server = TestServer.start(config());
    String session = server.post("/api/messages", "{\"prompt\":\"prompt-alpha\"}").json().path("session_id").asText();
    assertThat(server.post("/api/messages", "{\"prompt\":\"two\"}").status()).isEqualTo(200);
    fake.enqueue(FakeReply.script().line("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,"
        + "\"num_turns\":1,\"result\":\"API Error: 529\",\"api_error_status\":529,\"session_id\":\"" + session + "\","
        + "\"total_cost_usd\":0.001}").exitCode(1));
    assertThat(server.post("/api/sessions/" + session + "/continue", "{\"prompt\":\"three\"}").status())
        .isEqualTo(502);
    assertThat(server.get("/api/sessions/" + session).status()).isEqualTo(200);
    assertThat(server.get("/nope").status()).isEqualTo(404);

    TestServer.Reply reply = server.get("/metrics");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.response().headers().firstValue("content-type")).contains(
        "text/plain; version=0.0.4; charset=utf-8");
    Map<String, Double> samples = Exposition.parse(reply.text());

    assertThat(samples.get("ccs_http_requests_total{method=\"POST\",route=\"/api/messages\",status=\"200\"}"))
        .isEqualTo(2.0);
    assertThat(samples.get("ccs_http_requests_total{method=\"GET\",route=\"/api/sessions/{id}\",status=\"200\"}"))
        .isEqualTo(1.0);
    assertThat(samples.get("ccs_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"))
        .isEqualTo(1.0);
    assertThat(samples.get("ccs_runs_total{outcome=\"success\"}")).isEqualTo(2.0);
    assertThat(samples.get("ccs_runs_total{outcome=\"api_error\"}")).isEqualTo(1.0);
    assertThat(samples.get("ccs_run_duration_seconds_count")).isEqualTo(3.0);
    assertThat(samples.get("ccs_tokens_total{model=\"claude-fake-1\",kind=\"input\"}")).isPositive();
    assertThat(samples.get("ccs_provider_runs_total{provider=\"a\"}") + samples.get(
        "ccs_provider_runs_total{provider=\"b\"}")).isEqualTo(3.0);
    assertThat(samples.get("ccs_provider_state{provider=\"a\",state=\"closed\"}")).isEqualTo(1.0);
    assertThat(samples.get("ccs_provider_tokens_total{provider=\"a\",kind=\"input\"}")
        + samples.get("ccs_provider_tokens_total{provider=\"b\",kind=\"input\"}"))
        .isEqualTo(samples.get("ccs_tokens_total{model=\"claude-fake-1\",kind=\"input\"}"));
    assertThat(samples.get("ccs_cli_processes")).isEqualTo(0.0);
    assertThat(samples.get("ccs_queue_tasks{status=\"pending\"}")).isEqualTo(0.0);
    assertThat(samples.get("ccs_webhook_attempts_total{result=\"delivered\"}")).isEqualTo(0.0);
    assertThat(samples.get("ccs_sse_clients")).isEqualTo(0.0);
    assertThat(samples.get("process_resident_memory_bytes")).isPositive();
    assertThat(samples.get("process_open_fds")).isPositive();
    // Bounded labels: no session id, no prompt, no raw path.
    assertThat(reply.text()).doesNotContain(session, "prompt-alpha", "/nope");
  }

  @Test
  void metricsNeedTheApiKeyUnlessTheOperatorLetsScrapersThrough() {
    String secret = "0123456789abcdef0123456789abcdef";
    server = TestServer.start(config().toBuilder()
        .security(SecurityConfig.DEFAULT.withAuth(new AuthConfig(true, secret, true, false))).build());
    assertThat(server.get("/metrics").status()).isEqualTo(401);
    server.close();
    server = TestServer.start(config().toBuilder()
        .security(SecurityConfig.DEFAULT.withAuth(new AuthConfig(true, secret, true, true))).build());
    assertThat(server.get("/metrics").status()).isEqualTo(200);
    assertThat(server.get("/api/statistics").status()).isEqualTo(401);
    assertThat(server.send(HttpRequest.newBuilder(server.uri("/metrics")).POST(
        HttpRequest.BodyPublishers.noBody())).status()).isEqualTo(405);
  }

  /** A strict reader of the text format: it fails on anything the format does not allow. */
  static final class Exposition {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
        "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)( -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** Every sample, keyed by its name and labels as written. */
    static Map<String, Double> parse(String text) {
      assertThat(text).endsWith("\n");
      Map<String, Double> samples = new LinkedHashMap<>();
      Map<String, String> types = new HashMap<>();
      Set<String> helped = new HashSet<>();
      Set<String> finished = new HashSet<>();
      String current = null;
      List<Double> buckets = new ArrayList<>();
      for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
        if (line.startsWith("# HELP ")) {
          String name = line.substring(7).split(" ", 2)[0];
          assertThat(NAME.matcher(name).matches()).as(line).isTrue();
          assertThat(helped.add(name)).as("HELP twice: " + line).isTrue();
          continue;
        }
        if (line.startsWith("# TYPE ")) {
          String[] parts = line.substring(7).split(" ");
          assertThat(parts).as(line).hasSize(2);
          assertThat(TYPES).as(line).contains(parts[1]);
          assertThat(types.put(parts[0], parts[1])).as("TYPE twice: " + line).isNull();
          if (current != null) {
            finished.add(current);
          }
          current = parts[0];
          buckets.clear();
          continue;
        }
        assertThat(line).as("no blank lines or other comments").isNotEmpty().doesNotStartWith("#");
        Matcher m = SAMPLE.matcher(line);
        assertThat(m.matches()).as("sample line: " + line).isTrue();
        String name = m.group(1);
        String family = familyOf(name, types);
        assertThat(family).as("a sample of a declared family: " + line).isEqualTo(current);
        assertThat(finished).as("families are contiguous").doesNotContain(family);
        String labels = m.group(3) == null ? "" : m.group(3);
        if (!labels.isEmpty()) {
          for (String pair : labels.split(",(?=[a-zA-Z_][a-zA-Z0-9_]*=\")")) {
            assertThat(LABEL.matcher(pair).matches()).as("label in " + line).isTrue();
          }
        }
        double value = switch (m.group(4)) {
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          case "NaN" -> Double.NaN;
          default -> Double.parseDouble(m.group(4));
        };
        if (types.get(family).equals("histogram") && name.endsWith("_bucket")) {
          assertThat(labels).as(line).contains("le=\"");
          if (!buckets.isEmpty() && !labels.contains("le=\"0.005\"")) {
            assertThat(value).as("cumulative buckets: " + line).isGreaterThanOrEqualTo(buckets.get(buckets.size() - 1));
          }
          buckets.add(value);
        }
        String key = name + (labels.isEmpty() ? "" : "{" + labels + "}");
        assertThat(samples.put(key, value)).as("duplicate sample " + key).isNull();
      }
      return samples;
    }

    private static String familyOf(String name, Map<String, String> types) {
      if (types.containsKey(name)) {
        return name;
      }
      for (String suffix : List.of("_bucket", "_sum", "_count")) {
        String base = name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : null;
        if (base != null && "histogram".equals(types.get(base))) {
          return base;
        }
      }
      throw new AssertionError("sample of no declared family: " + name);
    }
  }
}
