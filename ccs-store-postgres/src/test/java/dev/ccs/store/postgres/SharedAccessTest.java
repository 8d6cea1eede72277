package dev.ccs.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.Ccs;
import dev.ccs.core.auth.ApiKeys;
import dev.ccs.core.auth.Authentication;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What nodes share beside the queue: named API keys made or revoked on one node hold on the others
 * at once, an operator's disable of a provider on one node keeps every node's runs off it, and the
 * statistics any node answers count every node's runs.
 */
@Timeout(60)
class SharedAccessTest {

  @TempDir
  Path temp;

  private Ccs node(String url, String id) {
    return node(url, id, Path.of("/bin/true"));
  }

  private Ccs node(String url, String id, Path claude) {
    // One workspace for all nodes: a session made on one node runs on any (the README's deployment).
    CcsConfig config = CcsConfig.defaults(temp.resolve(id)).toBuilder().claudePath(claude.toString())
        .workspacePath(temp.resolve("workspace"))
        .providers(java.util.List.of(
            new dev.ccs.core.config.ProviderConfig("p1", "P1", "key-1", "http://127.0.0.1:9/p1", 1, true, Map.of()),
            new dev.ccs.core.config.ProviderConfig("p2", "P2", "key-2", "http://127.0.0.1:9/p2", 1, true, Map.of())))
        .store(new StoreConfig("postgres", url, null, null, 4, id, Duration.ofSeconds(5), null, null)).build();
    return Ccs.builder(config).environment(Map.of("PATH", System.getenv("PATH"))).build();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aKeyMadeOnOneNodeOpensTheOtherAndARevocationClosesBoth() throws Exception {
    String url = PgServer.newDatabase();
    try (Ccs a = node(url, "node-a"); Ccs b = node(url, "node-b")) {
      ApiKeys.CreatedKey made = a.apiKeys().create("ci", Set.of(), null);
      await(() -> b.apiKeys().authenticate(made.secret()) instanceof Authentication.Granted);
      ApiKeys.CreatedKey other = b.apiKeys().create("deploy", Set.of(), null);
      await(() -> a.apiKeys().authenticate(other.secret()) instanceof Authentication.Granted);
      // Both lists hold both keys: a save on one node did not drop the other's.
      assertThat(a.apiKeys().list()).extracting(k -> k.name()).containsExactlyInAnyOrder("ci", "deploy");

      assertThat(b.apiKeys().revoke("ci")).isPresent();
      await(() -> a.apiKeys().authenticate(made.secret()) instanceof Authentication.Denied);
      // Node a writes its last-used times (it used "deploy"): the revoked key does not come back.
      a.apiKeys().close();
      try (Ccs c = node(url, "node-c")) {
        assertThat(c.apiKeys().authenticate(made.secret())).isInstanceOf(Authentication.Denied.class);
        assertThat(c.apiKeys().authenticate(other.secret())).isInstanceOf(Authentication.Granted.class);
      }
    }
  }

  private static boolean enabled(Ccs node, String provider) {
    return node.balancer().status().stream().filter(p -> p.id().equals(provider)).findFirst().orElseThrow().enabled();
  }

  @Test
  void aProviderDisabledOnOneNodeIsDisabledOnTheOthers() throws Exception {
    String url = PgServer.newDatabase();
    try (Ccs a = node(url, "node-a"); Ccs b = node(url, "node-b")) {
      assertThat(enabled(b, "p1")).isTrue();
      a.balancer().disable("p1");
      await(() -> !enabled(b, "p1"));
      assertThat(enabled(b, "p2")).isTrue();
      b.balancer().enable("p1");
      await(() -> enabled(a, "p1"));
    }
    // A node that starts later finds it as the others left it.
    try (Ccs c = node(url, "node-c")) {
      assertThat(enabled(c, "p1")).isTrue();
    }
  }

  @Test
  void theStatisticsOfAnyNodeCountEveryNodesRuns() throws Exception {
    String url = PgServer.newDatabase();
    dev.ccs.testkit.ShellClaude fake = dev.ccs.testkit.ShellClaude.create(temp.resolve("fake"), 0, 0);
    try (Ccs a = node(url, "node-a", fake.executable()); Ccs b = node(url, "node-b", fake.executable())) {
      java.util.List<dev.ccs.core.task.Task> tasks = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        tasks.add((i % 2 == 0 ? a : b).tasks().submit(dev.ccs.core.task.NewTask.of("t" + i, 5), null).task());
      }
      for (dev.ccs.core.task.Task task : tasks) {
        dev.ccs.core.task.Task done = a.tasks().completion(task.id()).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(done.status()).as("%s %s", done.errorCode(), done.error()).isEqualTo(dev.ccs.core.task.TaskStatus.COMPLETED);
      }
      // A run is counted just after its task's end is stored: both nodes' counts, saved, come to 10.
      await(() -> {
        a.statistics().flush();
        b.statistics().flush();
        return a.statistics().allTime().total().requests() == 10;
      });
      for (Ccs node : java.util.List.of(a, b)) {
        assertThat(node.statistics().allTime().total().requests()).isEqualTo(10);
        assertThat(node.statistics().daily(7).get(0).total().requests()).isEqualTo(10);
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(node.statistics().range(today, today).get(0).total().requests()).isEqualTo(10);
      }
    }
  }
}
