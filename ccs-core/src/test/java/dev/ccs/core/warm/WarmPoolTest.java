package dev.ccs.core.warm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.WarmSessionsConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.exec.RunHandle;
import dev.ccs.core.exec.RunListener;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.json.Json;
import dev.ccs.core.process.Processes;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.session.Turn;
import dev.ccs.core.testing.ManualScheduler;
import dev.ccs.core.testing.MutableClock;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.Invocation;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm pool with the fake CLI's stream-json input mode: real child processes, a manual clock for
 * idle expiry and timeouts.
 */
@Timeout(120)
class WarmPoolTest {

  @TempDir
  Path temp;

  private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private FakeClaude fake;

  private Ccs ccs(WarmSessionsConfig warm) {
    fake = FakeClaude.create(temp);
    CcsConfig config = CcsConfig.defaults(temp.resolve("home")).toBuilder().claudePath(fake.executable().toString())
        .warmSessions(warm).build();
    return Ccs.builder(config).clock(clock).scheduler(scheduler).ticker(scheduler).jobExecutor(Runnable::run)
        .environment(Map.of("PATH", System.getenv("PATH"))).build();
  }

  private static WarmSessionsConfig warm(int maxWarm) {
    return new WarmSessionsConfig(true, maxWarm, Duration.ofMinutes(5), 100, 4096);
  }

  private static Session session(Ccs ccs) {
    return ccs.sessions().create("p", null, Json.object(), null);
  }

  private static void turn(Ccs ccs, Session session, String prompt) {
    ccs.sessions().continueSession(session.id(), prompt, RunOptions.NONE);
  }

  private List<Long> pidsOfTurns(UUID session) {
    return fake.warmTurns().stream().filter(t -> t[1].equals(session.toString())).map(t -> Long.parseLong(t[0]))
        .toList();
  }

  @Test
  void theTurnsOfASessionAreAnsweredByOneProcessAtExactPerTurnCosts() throws Exception {
    try (Ccs ccs = ccs(warm(4))) {
      fake.costPerRun("0.0125");
      Session session = session(ccs);
      turn(ccs, session, "one");
      turn(ccs, session, "two");
      turn(ccs, session, "three");

      assertThat(pidsOfTurns(session.id())).hasSize(3).containsOnly(pidsOfTurns(session.id()).get(0));
      assertThat(fake.invocations()).hasSize(1);
      Invocation start = fake.invocations().get(0);
      assertThat(start.args()).contains("--input-format=stream-json", "--session-id=" + session.id());
      List<StoredMessage> answers = ccs.storage().messages().history(session.id()).stream()
          .filter(m -> m.role().equals("assistant")).toList();
      assertThat(answers).extracting(m -> m.metadata().get("cost_usd").decimalValue().stripTrailingZeros())
          .containsExactly(new BigDecimal("0.0125"), new BigDecimal("0.0125"), new BigDecimal("0.0125"));
      assertThat(answers).extracting(StoredMessage::content).containsExactly("Echo: one", "Echo: two", "Echo: three");
      assertThat(ccs.sessions().get(session.id()).totalCostUsd()).isEqualByComparingTo("0.0375");
      WarmStatus status = ccs.sessions().warm().status();
      assertThat(status.live()).isEqualTo(1);
      assertThat(status.warmTurns()).isEqualTo(2);
      assertThat(status.coldTurns()).isEqualTo(1);
      assertThat(status.rssBytes()).isPositive();
      assertThat(ccs.sessions().warm().of(session.id()).orElseThrow().turns()).isEqualTo(3);
    }
  }

  @Test
  void theLeastRecentlyUsedIdleProcessMakesRoomAtMaxWarm() throws Exception {
    try (Ccs ccs = ccs(warm(2))) {
      Session a = session(ccs);
      Session b = session(ccs);
      Session c = session(ccs);
      turn(ccs, a, "a1");
      turn(ccs, b, "b1");
      turn(ccs, a, "a2"); // a is now the most recently used: b goes first
      long pidOfB = pidsOfTurns(b.id()).get(0);
      assertThat(ccs.sessions().warm().of(b.id())).isPresent(); // looking at it is not using it
      turn(ccs, c, "c1");

      assertThat(ccs.sessions().warm().pids()).containsOnlyKeys(a.id(), c.id());
      assertThat(ProcessHandle.of(pidOfB).map(h -> awaitGone(h)).orElse(true)).isTrue();
      assertThat(ccs.sessions().warm().status().evicted()).isEqualTo(1);

      // b comes back: a new process resumes its session, and a (least recently used now) makes room.
      turn(ccs, b, "b2");
      assertThat(ccs.sessions().warm().pids()).containsOnlyKeys(c.id(), b.id());
      Invocation restart = fake.invocations().get(fake.invocations().size() - 1);
      assertThat(restart.args()).contains("--resume=" + b.id());
      assertThat(ccs.storage().messages().history(b.id())).extracting(StoredMessage::content).contains("Echo: b2");
    }
  }

  @Test
  void aProcessUnusedForIdleMsEnds() throws Exception {
    try (Ccs ccs = ccs(new WarmSessionsConfig(true, 4, Duration.ofSeconds(60), 100, 4096))) {
      Session session = session(ccs);
      turn(ccs, session, "one");
      long pid = pidsOfTurns(session.id()).get(0);

      scheduler.advance(Duration.ofSeconds(59));
      assertThat(ccs.sessions().warm().has(session.id())).isTrue();
      assertThat(Processes.isRunning(pid)).isTrue();

      scheduler.advance(Duration.ofSeconds(1));
      assertThat(ccs.sessions().warm().has(session.id())).isFalse();
      assertThat(awaitGone(ProcessHandle.of(pid).orElseThrow())).isTrue();
      assertThat(ccs.sessions().warm().status().expired()).isEqualTo(1);

      turn(ccs, session, "two"); // a new process, resuming
      assertThat(pidsOfTurns(session.id())).hasSize(2).doesNotHaveDuplicates();
    }
  }

  @Test
  void aProcessThatServedMaxTurnsPerProcessIsReplacedByOneThatResumes() throws Exception {
    try (Ccs ccs = ccs(new WarmSessionsConfig(true, 4, Duration.ofMinutes(5), 2, 4096))) {
      Session session = session(ccs);
      for (String prompt : List.of("one", "two", "three", "four", "five")) {
        turn(ccs, session, prompt);
      }

      List<Long> pids = pidsOfTurns(session.id());
      assertThat(pids.get(0)).isEqualTo(pids.get(1));
      assertThat(pids.get(2)).isEqualTo(pids.get(3)).isNotEqualTo(pids.get(1));
      assertThat(pids.get(4)).isNotEqualTo(pids.get(3));
      assertThat(fake.invocations()).hasSize(3);
      assertThat(fake.invocations().get(2).args()).contains("--resume=" + session.id());
      assertThat(awaitGone(ProcessHandle.of(pids.get(0)).orElse(null))).isTrue();
      assertThat(ccs.sessions().get(session.id()).totalCostUsd()).isEqualByComparingTo("0.005");
    }
  }

  @Test
  void processesBeyondTheMemoryBudgetAreEnded() throws Exception {
    // Each fake holds 200 MiB beside its JVM (tens of MiB): two fit in 600 MiB, three do not.
    try (Ccs ccs = ccs(new WarmSessionsConfig(true, 10, Duration.ofMinutes(5), 100, 600))) {
      fake.warmRssMb(200);
      Session a = session(ccs);
      Session b = session(ccs);
      Session c = session(ccs);
      turn(ccs, a, "a");
      turn(ccs, b, "b");
      assertThat(ccs.sessions().warm().pids()).containsOnlyKeys(a.id(), b.id());
      assertThat(ccs.sessions().warm().status().rssBytes()).isBetween(400L << 20, 600L << 20);

      turn(ccs, c, "c");

      // Made room for before c's process started, or after its turn (the memory is read off the turn's path).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (ccs.sessions().warm().pids().size() > 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(ccs.sessions().warm().pids()).containsOnlyKeys(b.id(), c.id());
      assertThat(ccs.sessions().warm().status().rssBytes()).isLessThanOrEqualTo(600L << 20);
    }
  }

  @Test
  void closingTheEngineEndsEveryWarmProcess() throws Exception {
    List<Long> pids = new ArrayList<>();
    try (Ccs ccs = ccs(warm(4))) {
      for (int i = 0; i < 3; i++) {
        Session session = session(ccs);
        turn(ccs, session, "hi");
        pids.add(pidsOfTurns(session.id()).get(0));
      }
      assertThat(pids).allMatch(Processes::isRunning);
    }
    assertThat(pids).noneMatch(Processes::isRunning);
  }

  @Test
  void aTurnWithOtherStartOptionsRunsOnANewProcessWithThem() throws Exception {
    try (Ccs ccs = ccs(warm(4))) {
      Session session = session(ccs);
      turn(ccs, session, "one");
      long first = pidsOfTurns(session.id()).get(0);
      ccs.sessions().continueSession(session.id(), "two", RunOptions.builder().model("claude-other").build());

      assertThat(awaitGone(ProcessHandle.of(first).orElse(null))).isTrue();
      Invocation second = fake.invocations().get(1);
      assertThat(second.args()).contains("--model=claude-other", "--resume=" + session.id());
      assertThat(pidsOfTurns(session.id()).get(1)).isEqualTo(second.pid());
      StoredMessage answer = ccs.storage().messages().history(session.id()).get(3);
      assertThat(answer.metadata().get("model").asText()).isEqualTo("claude-other");
    }
  }

  @Test
  void warmFalseEndsTheProcessAndRunsCold() throws Exception {
    try (Ccs ccs = ccs(warm(4))) {
      Session session = session(ccs);
      turn(ccs, session, "one");
      long first = pidsOfTurns(session.id()).get(0);
      ccs.sessions().continueSession(session.id(), "two", RunOptions.builder().warm(false).build());

      assertThat(awaitGone(ProcessHandle.of(first).orElse(null))).isTrue();
      assertThat(fake.invocations().get(1).args()).doesNotContain("--input-format=stream-json")
          .contains("--resume=" + session.id());
      assertThat(ccs.sessions().get(session.id()).totalCostUsd()).isEqualByComparingTo("0.002");
    }
  }

  @Test
  void warmTrueIsRefusedWhereWarmSessionsAreOff() {
    try (Ccs ccs = ccs(WarmSessionsConfig.DEFAULT)) {
      Session session = session(ccs);
      assertThatThrownBy(() -> ccs.sessions().continueSession(session.id(), "x", RunOptions.builder().warm(true)
          .build())).isInstanceOf(CcsException.Forbidden.class).hasMessageContaining("warmSessions.enabled");
      turn(ccs, session, "cold");
      assertThat(fake.invocations().get(0).args()).doesNotContain("--input-format=stream-json");
    }
  }

  @Test
  void aCancelInterruptsTheTurnAndTheProcessServesTheNext() throws Exception {
    try (Ccs ccs = ccs(warm(4))) {
      Session session = session(ccs);
      turn(ccs, session, "one");
      long pid = pidsOfTurns(session.id()).get(0);
      AtomicReference<RunHandle> handle = new AtomicReference<>();
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Turn> slow = CompletableFuture.supplyAsync(() -> task(ccs, session, "wait:20000",
          Duration.ofMinutes(1), event -> started.countDown(), handle::set));
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

      long before = System.nanoTime();
      assertThat(handle.get().cancel()).isTrue();
      Turn cancelled = slow.get(10, TimeUnit.SECONDS);

      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)).isLessThan(5000);
      assertThat(cancelled.outcome().status()).isEqualTo(RunStatus.CANCELLED);
      assertThat(Processes.isRunning(pid)).isTrue();
      turn(ccs, session, "three");
      assertThat(pidsOfTurns(session.id())).containsOnly(pid);
      // The interrupted turn's cost was reported by its aborted result, and counted once.
      assertThat(ccs.sessions().get(session.id()).totalCostUsd()).isEqualByComparingTo("0.003");
    }
  }

  @Test
  void aTimeoutEndsTheProcessAndTheNextTurnResumes() throws Exception {
    try (Ccs ccs = ccs(warm(4))) {
      Session session = session(ccs);
      turn(ccs, session, "one");
      long pid = pidsOfTurns(session.id()).get(0);
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Turn> slow = CompletableFuture.supplyAsync(() -> task(ccs, session, "wait:60000",
          Duration.ofSeconds(30), event -> started.countDown(), run -> { }));
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

      scheduler.advance(Duration.ofSeconds(30));
      Turn timedOut = slow.get(20, TimeUnit.SECONDS);

      assertThat(timedOut.outcome().status()).isEqualTo(RunStatus.TIMED_OUT);
      assertThat(Processes.isRunning(pid)).isFalse();
      assertThat(ccs.sessions().warm().has(session.id())).isFalse();
      turn(ccs, session, "three");
      assertThat(fake.invocations().get(1).args()).contains("--resume=" + session.id());
    }
  }

  @Test
  void aKilledProcessIsNoticedAndTheNextTurnResumesInANewOne() throws Exception {
    try (Ccs ccs = ccs(warm(4))) {
      Session session = session(ccs);
      turn(ccs, session, "one");
      ProcessHandle warm = ProcessHandle.of(pidsOfTurns(session.id()).get(0)).orElseThrow();
      warm.destroyForcibly();
      assertThat(awaitGone(warm)).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (ccs.sessions().warm().has(session.id()) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(ccs.sessions().warm().crashed(session.id())).isTrue();
      assertThat(ccs.sessions().warm().status().crashed()).isEqualTo(1);

      turn(ccs, session, "two");

      assertThat(fake.invocations().get(1).args()).contains("--resume=" + session.id());
      assertThat(ccs.sessions().warm().crashed(session.id())).isFalse();
      assertThat(ccs.storage().messages().history(session.id())).extracting(StoredMessage::content)
          .containsExactly("one", "Echo: one", "two", "Echo: two");
    }
  }

  @Test
  void theBudgetFlagOfAProcessIsWhatTheSessionMayStillSpend() throws Exception {
    try (Ccs ccs = ccs(warm(4))) {
      fake.costPerRun("0.01");
      Session session = ccs.sessions().create("p", null, Json.object(), new BigDecimal("0.025"));
      turn(ccs, session, "one");
      turn(ccs, session, "two");
      assertThat(fake.invocations()).hasSize(1);
      assertThat(fake.invocations().get(0).flag("--max-budget-usd")).isEqualTo("0.025");
      // The third turn may spend 0.005: the process, started with 0.025 and 0.02 spent, stops there.
      assertThatThrownBy(() -> turn(ccs, session, "three")).hasMessageContaining("budget");
      assertThat(fake.invocations()).hasSize(1);

    }
  }

  @Test
  void aTurnWhoseBudgetIsNotWhatTheProcessMaySpendRunsOnANewProcessStartedWithIt() throws Exception {
    try (Ccs ccs = ccs(warm(4))) {
      fake.costPerRun("0.01");
      Session session = ccs.sessions().create("p", null, Json.object(), new BigDecimal("1"));
      turn(ccs, session, "one");
      turn(ccs, session, "two");
      ccs.sessions().continueSession(session.id(), "three", RunOptions.builder().maxBudgetUsd(new BigDecimal("0.5"))
          .build());
      turn(ccs, session, "four");

      assertThat(fake.invocations()).extracting(call -> new BigDecimal(call.flag("--max-budget-usd")))
          .usingElementComparator(BigDecimal::compareTo)
          .containsExactly(new BigDecimal("1"), new BigDecimal("0.5"), new BigDecimal("0.97"));
      assertThat(ccs.sessions().get(session.id()).totalCostUsd()).isEqualByComparingTo("0.04");
    }
  }

  @Test
  void aWarmTurnTakesARunSlotWhileItRunsAndAnIdleWarmProcessNone() throws Exception {
    fake = FakeClaude.create(temp);
    CcsConfig config = CcsConfig.defaults(temp.resolve("home")).toBuilder().claudePath(fake.executable().toString())
        .warmSessions(warm(4)).execution(CcsConfig.defaults(temp.resolve("home")).execution().toBuilder()
            .maxConcurrentRuns(1).build()).build();
    try (Ccs ccs = Ccs.builder(config).environment(Map.of("PATH", System.getenv("PATH"))).build()) {
      Session a = session(ccs);
      Session b = session(ccs);
      Session c = session(ccs);
      turn(ccs, a, "a");
      turn(ccs, b, "b"); // a's idle warm process holds no slot: b ran with a limit of one run
      assertThat(ccs.sessions().warm().pids()).containsOnlyKeys(a.id(), b.id());

      CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> turn(ccs, a, "wait:1500"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (ccs.sessions().warm().of(a.id()).map(p -> p.state().equals("idle")).orElse(true)
          && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      long start = System.nanoTime();
      turn(ccs, c, "c"); // waits for a's running warm turn: it holds the one slot
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      slow.get(10, TimeUnit.SECONDS);
      List<String> order = fake.warmTurns().stream().map(t -> t[2]).toList();
      assertThat(order).containsSubsequence("wait:1500", "c");
      assertThat(waited).isGreaterThanOrEqualTo(500);
    }
  }

  private static Turn task(Ccs ccs, Session session, String prompt, Duration timeout, RunListener listener,
      java.util.function.Consumer<RunHandle> onRun) {
    try {
      return ccs.sessions().runTask(session.id(), prompt, RunOptions.NONE, timeout, listener, onRun);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean awaitGone(ProcessHandle handle) {
    return handle == null || Processes.awaitExit(handle, Duration.ofSeconds(15));
  }
}
