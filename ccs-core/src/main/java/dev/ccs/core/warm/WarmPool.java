package dev.ccs.core.warm;

import dev.ccs.core.concurrent.Threads;
import dev.ccs.core.config.WarmSessionsConfig;
import dev.ccs.core.exec.ClaudeExecutor;
import dev.ccs.core.exec.ClaudeRequest;
import dev.ccs.core.exec.OutputFormat;
import dev.ccs.core.exec.RunHandle;
import dev.ccs.core.exec.RunListener;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.process.LaunchedProcess;
import dev.ccs.core.time.Scheduler;
import dev.ccs.core.time.Ticker;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live CLIs kept per session, so that a session's next turn is a line written to a running process
 * (~50 ms) instead of a new process (~750 ms). Bounded by count ({@code maxWarm}) and by the summed
 * resident memory of the processes ({@code memoryBudgetMb}, read from {@code /proc}): the least
 * recently used idle process makes room; a process unused for {@code idleMs} ends; one that served
 * {@code maxTurnsPerProcess} turns ends after its last. A turn that no process can serve (all busy,
 * or no room) returns empty and the caller runs it cold. Thread-safe; the caller runs one turn of a
 * session at a time.
 */
public final class WarmPool implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);

  /**
   * What the pool must know of the session to trust its warm process.
   *
   * @param version the stored session's version: a process last synced at another version missed a
   *     change (a turn on another node, a cold turn) and is replaced
   * @param cliTotalUsd the CLI's running cost total after the session's last run (where a resumed
   *     process starts counting)
   */
  public record SessionState(long version, BigDecimal cliTotalUsd) {
  }

  private final ClaudeExecutor executor;
  private final WarmSessionsConfig config;
  private final WarmLimits limits;
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final ExecutorService threads = Threads.perTaskExecutor("ccs-warm-io", 1024);
  /**
   * By session, least recently used first: a turn moves its process to the end (looking at a process,
   * for its status, does not). Guarded by this.
   */
  private final LinkedHashMap<UUID, WarmProcess> processes = new LinkedHashMap<>();
  private final LatencyWindow warmTurns = new LatencyWindow();
  private final LatencyWindow coldTurns = new LatencyWindow();
  /** Sessions whose warm process exited by itself, until their next turn (bounded). Guarded by this. */
  private final Map<UUID, Boolean> crashedSessions = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
      return size() > 10_000;
    }
  };
  // Guarded by this.
  private long largestRss;
  private long evicted;
  private long expired;
  private long crashed;
  private boolean closed;

  public WarmPool(ClaudeExecutor executor, WarmSessionsConfig config, Scheduler scheduler, Ticker ticker) {
    this.executor = executor;
    this.config = config;
    this.limits = new WarmLimits(config);
    this.scheduler = scheduler;
    this.ticker = ticker;
  }

  public WarmSessionsConfig config() {
    return config;
  }

  /**
   * Runs a turn on the session's warm process, starting one when there is none (or none that may
   * serve it: other pinned options, another budget, a stale session), and keeps the process for the
   * next turn.
   *
   * @param request the turn as a cold run would run it (prompt, flags, session, timeout, output)
   * @param onRun gets the turn before it starts, so that it can be cancelled
   * @return the outcome; empty when no warm process can serve the turn now (run it cold)
   */
  public Optional<RunOutcome> run(UUID sessionId, SessionState session, ClaudeRequest request, RunListener listener,
      Consumer<RunHandle> onRun) {
    String fingerprint = Fingerprint.of(executor.executable(), request);
    long began = ticker.read();
    WarmProcess stale = null;
    synchronized (this) {
      if (closed) {
        return Optional.empty();
      }
      crashedSessions.remove(sessionId);
      WarmProcess current = processes.get(sessionId);
      String unfit = current == null ? null : unfit(current, fingerprint, request.maxBudgetUsd(), session.version());
      if (unfit != null) {
        retire(current, unfit);
        stale = current;
      }
    }
    if (stale != null) {
      // Gone before anything else runs the session: two CLIs must never share its transcript.
      awaitExit(stale);
    }
    WarmProcess process;
    boolean started = false;
    synchronized (this) {
      process = closed ? null : processes.get(sessionId);
      if (process == null) {
        if (closed || !makeRoom()) {
          return Optional.empty();
        }
        try {
          process = launch(sessionId, session, request, fingerprint);
        } catch (IOException e) {
          return Optional.of(new RunOutcome(RunStatus.START_FAILED, null, null, null, Duration.ZERO, "",
              e.getMessage()));
        }
        started = true;
      }
      processes.remove(sessionId);
      processes.put(sessionId, process);
    }
    Duration timeout = request.timeout() != null ? request.timeout() : executor.defaultTimeout();
    WarmTurn turn = new WarmTurn(process, listener, request.outputFormat() == OutputFormat.STREAM_JSON,
        request.includePartialMessages(), timeout, ticker);
    if (!process.begin(turn)) {
      // Ended meanwhile (its idle time ran out, it crashed): cold this once, once it is gone.
      awaitExit(process);
      return Optional.empty();
    }
    onRun.accept(turn);
    RunOutcome outcome = turn.execute(request.prompt());
    (started ? coldTurns : warmTurns).add(Duration.ofNanos(ticker.read() - began));
    afterTurn(process);
    return Optional.of(outcome);
  }

  /** A session turn ran cold ({@code -p}); counted beside the warm ones. */
  public void coldTurn(Duration duration) {
    coldTurns.add(duration);
  }

  /** The session was stored at {@code version} after its turn: its warm process is in step with it. */
  public void recorded(UUID sessionId, long version) {
    WarmProcess process;
    synchronized (this) {
      process = processes.get(sessionId);
    }
    if (process != null) {
      process.synced(version);
    }
  }

  /**
   * Ends the session's warm process, if any (a cold turn, the session ended or deleted), and waits
   * until it is gone (~60 ms: an idle CLI exits as soon as its stdin closes).
   */
  public void end(UUID sessionId, String why) {
    WarmProcess process;
    synchronized (this) {
      process = processes.get(sessionId);
      if (process != null) {
        retire(process, why);
      }
    }
    if (process != null) {
      awaitExit(process);
    }
  }

  /** Waits until {@code process} has exited: at most the close grace, the kill grace and a little more. */
  private void awaitExit(WarmProcess process) {
    try {
      process.exited().get(WarmProcess.CLOSE_GRACE.plus(executor.killGrace()).plusSeconds(2).toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      LOG.warn("warm Claude CLI pid {} did not end in time", process.pid());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the session has a live warm process. */
  public synchronized boolean has(UUID sessionId) {
    return processes.containsKey(sessionId);
  }

  /**
   * Whether the session's last warm process exited by itself (killed, crashed) since its last turn:
   * its next turn starts a new process that resumes the session from its transcript.
   */
  public synchronized boolean crashed(UUID sessionId) {
    return crashedSessions.containsKey(sessionId);
  }

  /** The session's warm process, if it has one. */
  public Optional<WarmStatus.Process> of(UUID sessionId) {
    WarmProcess process;
    synchronized (this) {
      process = processes.get(sessionId);
    }
    return Optional.ofNullable(process).map(this::describe);
  }

  public WarmStatus status() {
    List<WarmProcess> live;
    long evictedNow;
    long expiredNow;
    long crashedNow;
    synchronized (this) {
      live = new ArrayList<>(processes.values());
      evictedNow = evicted;
      expiredNow = expired;
      crashedNow = crashed;
    }
    List<WarmStatus.Process> described = live.stream().map(this::describe).toList();
    return new WarmStatus(described.size(), (int) described.stream().filter(p -> p.state().equals("busy")).count(),
        described.stream().mapToLong(WarmStatus.Process::rssBytes).sum(), warmTurns.count(), coldTurns.count(),
        warmTurns.summary(), coldTurns.summary(), evictedNow, expiredNow, crashedNow, described);
  }

  /** Ends every warm process and waits (at most the close and kill grace periods) until they are gone. */
  @Override
  public void close() {
    List<WarmProcess> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(processes.values());
      processes.clear();
    }
    all.forEach(process -> process.end("the server is stopping"));
    long deadline = ticker.read() + WarmProcess.CLOSE_GRACE.plus(executor.killGrace()).plusSeconds(2).toNanos();
    for (WarmProcess process : all) {
      try {
        process.exited().get(Math.max(1, deadline - ticker.read()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
        LOG.warn("warm Claude CLI pid {} did not end in time", process.pid());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    threads.shutdown();
  }

  private WarmStatus.Process describe(WarmProcess process) {
    WarmProcess.State state = process.state();
    long idle = state == WarmProcess.State.BUSY ? 0 : Math.max(0, ticker.read() - process.lastUsedNanos());
    return new WarmStatus.Process(process.sessionId, process.pid(), state == WarmProcess.State.BUSY ? "busy" : "idle",
        process.turns(), process.rssBytes(), Duration.ofNanos(idle));
  }

  /** Why {@code process} may not serve the turn, or null when it may. */
  private static String unfit(WarmProcess process, String fingerprint, BigDecimal budget, long version) {
    if (process.state() != WarmProcess.State.IDLE) {
      return "it is " + process.state().name().toLowerCase(java.util.Locale.ROOT);
    }
    if (!process.fingerprint.equals(fingerprint)) {
      return "the turn asks for other start options (model, prompt, tools, permissions, MCP, provider or directory)";
    }
    BigDecimal left = process.budgetLeft();
    if (left == null ? budget != null : budget == null || left.compareTo(budget) != 0) {
      // --max-budget-usd is fixed at start: only a process whose limit is exactly what the turn may
      // spend can run it; anything else would stop too early or spend too much.
      return "the turn's budget (" + plain(budget) + ") is not what the process may still spend (" + plain(left) + ")";
    }
    if (process.syncedVersion() != version) {
      return "the session changed since its last turn on this process";
    }
    return null;
  }

  private static String plain(BigDecimal value) {
    return value == null ? "none" : "$" + value.stripTrailingZeros().toPlainString();
  }

  /** Ends least recently used idle processes until a new one fits; false when it cannot fit. Holds this. */
  private boolean makeRoom() {
    List<WarmProcess> lru = new ArrayList<>(processes.values());
    List<WarmProcess> victims = limits.toStart(lru, rssOf(lru), largestRss);
    if (victims == null) {
      return false;
    }
    for (WarmProcess victim : victims) {
      evicted++;
      retire(victim, "to make room for another session's (warmSessions.maxWarm, memoryBudgetMb); least recently used");
    }
    return true;
  }

  private static Map<WarmProcess, Long> rssOf(List<WarmProcess> live) {
    Map<WarmProcess, Long> rss = new java.util.HashMap<>();
    live.forEach(process -> rss.put(process, process.measureRss()));
    return rss;
  }

  private WarmProcess launch(UUID sessionId, SessionState session, ClaudeRequest request, String fingerprint)
      throws IOException {
    WarmProcess.Builder spec = WarmProcess.builder().sessionId(sessionId).fingerprint(fingerprint)
        .startBudget(request.maxBudgetUsd())
        .baselineTotal(request.resume() ? session.cliTotalUsd() : BigDecimal.ZERO)
        .executor(executor).scheduler(scheduler).redactor(executor.redactor(request))
        .sessionVersion(session.version()).nowNanos(ticker.read());
    String runId = UUID.randomUUID().toString();
    LaunchedProcess launched = executor.launchInteractive(request, runId);
    WarmProcess process = WarmProcess.start(spec.process(launched).runId(runId), threads);
    process.exited().thenRun(() -> forget(process));
    LOG.debug("warm Claude CLI pid {} started for session {}", process.pid(), sessionId);
    return process;
  }

  /** The process has ended: out of the pool, and counted as crashed when it ended by itself. */
  private void forget(WarmProcess process) {
    synchronized (this) {
      if (processes.get(process.sessionId) == process) {
        processes.remove(process.sessionId);
      }
      if (process.crashed()) {
        crashed++;
        crashedSessions.put(process.sessionId, Boolean.TRUE);
      }
    }
  }

  private void afterTurn(WarmProcess process) {
    synchronized (this) {
      if (processes.get(process.sessionId) != process || process.state() != WarmProcess.State.IDLE) {
        return;
      }
      if (process.turns() >= config.maxTurnsPerProcess()) {
        retire(process, "it served warmSessions.maxTurnsPerProcess (" + config.maxTurnsPerProcess() + ") turns");
        return;
      }
    }
    scheduler.schedule(config.idle(), () -> expireIfIdle(process));
    try {
      // Off the turn's path: reading every process's memory from /proc takes a while.
      threads.execute(this::enforceMemoryBudget);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closed meanwhile: every process is ending anyway.
    }
  }

  /** Ends least recently used idle processes while their summed memory is over the budget. */
  private void enforceMemoryBudget() {
    List<WarmProcess> live;
    synchronized (this) {
      live = new ArrayList<>(processes.values());
    }
    Map<WarmProcess, Long> rss = rssOf(live);
    synchronized (this) {
      rss.values().forEach(bytes -> largestRss = Math.max(largestRss, bytes));
      // In the pool's order now: a process used meanwhile is no longer the least recently used.
      List<WarmProcess> lru = new ArrayList<>(processes.values());
      rss.keySet().retainAll(lru);
      for (WarmProcess victim : limits.overBudget(lru, rss)) {
        evicted++;
        retire(victim, "warmSessions.memoryBudgetMb exceeded; least recently used");
      }
    }
  }

  private void expireIfIdle(WarmProcess process) {
    synchronized (this) {
      if (processes.get(process.sessionId) != process || process.state() != WarmProcess.State.IDLE
          || ticker.read() - process.lastUsedNanos() < config.idle().toNanos()) {
        return;
      }
      expired++;
      retire(process, "unused for warmSessions.idleMs (" + config.idle().toMillis() + " ms)");
    }
  }

  /** Out of the pool and ended. Holds this. */
  private void retire(WarmProcess process, String why) {
    processes.remove(process.sessionId, process);
    process.end(why);
  }

  /** For tests: the pids of the live warm processes by session. */
  synchronized Map<UUID, Long> pids() {
    Map<UUID, Long> pids = new LinkedHashMap<>();
    processes.forEach((id, process) -> pids.put(id, process.pid()));
    return pids;
  }
}
