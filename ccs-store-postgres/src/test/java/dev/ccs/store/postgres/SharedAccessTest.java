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
 * at once, and an operator's disable of a provider on one node keeps every node's runs off it.
 */
@Timeout(60)
class SharedAccessTest {

  @TempDir
  Path temp;

  private Ccs node(String url, String id) {
    CcsConfig config = CcsConfig.defaults(temp.resolve(id)).toBuilder().claudePath("/bin/true")
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
}
