import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.LoadBalanceConfig;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.protocol.ModelUsage;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.stats.Statistics;
import dev.ccs.core.store.InMemoryStorage;
import dev.ccs.httpd.metrics.HttpMetrics;
import dev.ccs.httpd.metrics.MetricsHandler;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What statistics add to a run (counting one run: per day, model, provider, project) and how long
 * GET /metrics takes to render, with 10 providers and 50 models tracked. Targets (issue 10): under
 * 20 us p50 per run, under 5 ms per scrape.
 *
 * Run: bash bench/run.sh stats   (java -cp ccs-httpd/target/ccs-httpd.jar bench/StatsBench.java)
 */
public class StatsBench {

  public static void main(String[] args) throws Exception {
    List<ProviderConfig> providers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      providers.add(new ProviderConfig("p" + i, "P" + i, "key-" + i, "http://127.0.0.1:9/" + i, 1, true, Map.of()));
    }
    CcsConfig config = CcsConfig.defaults(Files.createTempDirectory("ccs-stats-bench")).toBuilder()
        .claudePath("/bin/true").providers(providers).loadBalance(LoadBalanceConfig.DEFAULT).build();
    try (Ccs ccs = Ccs.builder(config).storage(new InMemoryStorage()).build()) {
      Statistics stats = ccs.statistics();
      int n = 200_000;
      long[] times = new long[n];
      Session[] sessions = new Session[20];
      for (int i = 0; i < sessions.length; i++) {
        sessions[i] = Session.create(UUID.randomUUID(), Instant.now(), "/w/project-" + i, null, null, null);
      }
      for (int i = 0; i < n; i++) {
        StoredMessage answer = answer(sessions[i % 20], i);
        long start = System.nanoTime();
        stats.recorded(sessions[i % 20], answer); // read from the turn's message, as every run is
        times[i] = System.nanoTime() - start;
      }
      Arrays.sort(times);
      System.out.printf("statistics: one run counted  p50 %.2f us  p99 %.2f us  (%,d runs, %d models, %d providers)%n",
          times[n / 2] / 1000.0, times[n * 99 / 100] / 1000.0, n, stats.allTime().models().size(),
          stats.allTime().providers().size());
      System.out.printf("FIGURE|stats.count.p50|statistics: one run counted, p50|%.2f|us|%n", times[n / 2] / 1000.0);
      MetricsHandler metrics = new MetricsHandler(ccs, new HttpMetrics());
      int scrapes = 2_000;
      long[] scrape = new long[scrapes];
      int bytes = 0;
      for (int i = 0; i < scrapes; i++) {
        long start = System.nanoTime();
        bytes = metrics.metrics(null).body().length;
        scrape[i] = System.nanoTime() - start;
      }
      Arrays.sort(scrape);
      System.out.printf("GET /metrics rendered        p50 %.2f ms  p99 %.2f ms  (%,d bytes)%n", scrape[scrapes / 2] / 1e6,
          scrape[scrapes * 99 / 100] / 1e6, bytes);
      System.out.printf("FIGURE|stats.metrics.p50|GET /metrics rendered, p50|%.2f|ms|%n", scrape[scrapes / 2] / 1e6);
    }
  }

  /** The assistant message a turn leaves, with the metadata the statistics read. */
  private static StoredMessage answer(Session session, int i) {
    ObjectNode meta = Json.object();
    meta.put("cost_usd", new BigDecimal("0.0123"));
    meta.put("duration_ms", 1200 + i % 5000);
    meta.put("duration_api_ms", 900);
    meta.put("num_turns", 2);
    meta.put("provider_id", "p" + (i % 10));
    meta.putObject("run_model_usage").set("model-" + (i % 50),
        new ModelUsage(100, 20, 1000, 10, 0, new BigDecimal("0.0123"), null).toJson());
    if (i % 17 == 0) {
      meta.put("is_error", true);
      meta.put("error_code", "api_error");
    }
    return new StoredMessage(StoredMessage.newId(), session.id(), "assistant", "ok", Instant.now(), meta);
  }
}
