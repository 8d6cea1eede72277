import dev.ccs.core.balance.LoadBalancer;
import dev.ccs.core.balance.ProviderStateStore;
import dev.ccs.core.config.LoadBalanceConfig;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.json.Json;
import dev.ccs.core.protocol.ResultMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the balancer adds to a run: choose a provider and report the outcome, with 10 providers
 * (weighted) and 100 000 sessions bound, for a bound session's turn and for a new session. Target:
 * under 5 us p50 per pick (issue 9). Reports go to an in-memory state store, so the figure is the
 * balancer's own work (the file store writes after runs, off the run's path, coalesced).
 *
 * Run: bash bench/run.sh balance   (java -cp ccs-httpd/target/ccs-httpd.jar bench/BalanceBench.java [sessions])
 */
public class BalanceBench {

  public static void main(String[] args) {
    int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    List<ProviderConfig> providers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      providers.add(new ProviderConfig("p" + i, "P" + i, "key-" + i, "http://127.0.0.1:9/" + i, 1 + i % 10, true,
          Map.of()));
    }
    LoadBalancer balancer = new LoadBalancer(providers, new LoadBalanceConfig("weighted", true, 3,
        Duration.ofMinutes(30), Duration.ofSeconds(60)), Clock.systemUTC(), ProviderStateStore.inMemory(),
        Runnable::run, Map.of());
    RunOutcome ok = succeeded();
    UUID[] bound = new UUID[sessions];
    for (int i = 0; i < sessions; i++) {
      bound[i] = UUID.randomUUID();
      balancer.report(balancer.choose(bound[i], null).orElseThrow(), ok);
    }
    System.out.printf("providers 10 (weighted), bound sessions %,d%n", balancer.boundSessions());
    for (int round = 0; round < 3; round++) {
      long[] existing = measure(200_000, () -> {
        UUID id = bound[ThreadLocalRandom.current().nextInt(bound.length)];
        balancer.report(balancer.choose(id, null).orElseThrow(), ok);
      });
      long[] fresh = measure(20_000, () -> {
        UUID id = UUID.randomUUID();
        balancer.report(balancer.choose(id, null).orElseThrow(), ok);
      });
      System.out.printf("round %d  bound session: p50 %.2f us p99 %.2f us   new session: p50 %.2f us p99 %.2f us%n",
          round + 1, existing[0] / 1000.0, existing[1] / 1000.0, fresh[0] / 1000.0, fresh[1] / 1000.0);
      System.out.printf("FIGURE|balance.bound.p50|balancer: pick and report, bound session, p50|%.2f|us|%n",
          existing[0] / 1000.0);
      System.out.printf("FIGURE|balance.new.p50|balancer: pick and report, new session, p50|%.2f|us|%n", fresh[0] / 1000.0);
    }
  }

  /** p50 and p99 in nanoseconds of one choose-and-report. */
  private static long[] measure(int n, Runnable pick) {
    long[] times = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      pick.run();
      times[i] = System.nanoTime() - start;
    }
    Arrays.sort(times);
    return new long[] {times[n / 2], times[n * 99 / 100]};
  }

  private static RunOutcome succeeded() {
    var json = Json.object().put("type", "result").put("subtype", "success").put("is_error", false)
        .put("result", "ok").put("num_turns", 1).put("session_id", "s").put("total_cost_usd", 0);
    return new RunOutcome(RunStatus.SUCCEEDED, ResultMessage.from(json.toString(), json), null, 0,
        Duration.ofSeconds(1), "", null);
  }
}
