package dev.ccs.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.StoreConfig;
import dev.ccs.core.config.WarmSessionsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.process.Processes;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.Invocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm sessions on several nodes: each node keeps its own warm CLIs, and a session whose turns move
 * between nodes is never answered by a process that missed a turn made elsewhere.
 */
@Timeout(120)
class SharedWarmSessionsTest {

  @TempDir
  Path temp;

  private Ccs node(String url, String id, FakeClaude fake) {
    // One workspace and one CLI state (the fake's) for all nodes: the README's deployment.
    CcsConfig config = CcsConfig.defaults(temp.resolve(id)).toBuilder().claudePath(fake.executable().toString())
        .workspacePath(temp.resolve("workspace"))
        .warmSessions(new WarmSessionsConfig(true, 4, Duration.ofMinutes(5), 100, 4096))
        .store(new StoreConfig("postgres", url, null, null, 4, id, Duration.ofSeconds(5), null, null)).build();
    return Ccs.builder(config).environment(Map.of("PATH", System.getenv("PATH"))).build();
  }

  @Test
  void aProcessThatMissedATurnOnAnotherNodeIsReplacedByOneThatResumesTheSession() throws Exception {
    String url = PgServer.newDatabase();
    FakeClaude fake = FakeClaude.create(temp.resolve("fake"));
    try (Ccs a = node(url, "node-a", fake); Ccs b = node(url, "node-b", fake)) {
      Session session = a.sessions().create("p", null, Json.object(), null);
      a.sessions().continueSession(session.id(), "one", RunOptions.NONE);
      a.sessions().continueSession(session.id(), "two", RunOptions.NONE);
      long first = a.sessions().warm().of(session.id()).orElseThrow().pid();
      b.sessions().continueSession(session.id(), "three", RunOptions.NONE);
      long onB = b.sessions().warm().of(session.id()).orElseThrow().pid();

      // Node a's process last saw turn two: it would answer without turn three.
      a.sessions().continueSession(session.id(), "four", RunOptions.NONE);

      long second = a.sessions().warm().of(session.id()).orElseThrow().pid();
      assertThat(second).isNotEqualTo(first).isNotEqualTo(onB);
      assertThat(ProcessHandle.of(first).map(h -> Processes.awaitExit(h, Duration.ofSeconds(10))).orElse(true))
          .isTrue();
      List<Invocation> starts = fake.invocations();
      assertThat(starts).hasSize(3);
      assertThat(starts.get(0).args()).contains("--session-id=" + session.id());
      assertThat(starts.get(1).args()).contains("--resume=" + session.id());
      assertThat(starts.get(2).args()).contains("--resume=" + session.id());
      assertThat(fake.warmTurns()).extracting(t -> t[0] + " " + t[2]).containsExactly(first + " one", first + " two",
          onB + " three", second + " four");
      assertThat(a.storage().messages().history(session.id())).extracting(StoredMessage::content)
          .containsExactly("one", "Echo: one", "two", "Echo: two", "three", "Echo: three", "four", "Echo: four");
      // Four turns at $0.001 each, counted once each although two processes reported running totals.
      assertThat(b.sessions().get(session.id()).totalCostUsd()).isEqualByComparingTo("0.004");
      assertThat(a.sessions().warm().status().warmTurns()).isEqualTo(1);
    }
  }
}
