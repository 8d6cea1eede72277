package dev.ccs.core.warm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.exec.ClaudeExecutor;
import dev.ccs.core.exec.LineReader;
import dev.ccs.core.exec.Redactor;
import dev.ccs.core.exec.StderrTail;
import dev.ccs.core.json.Json;
import dev.ccs.core.process.LaunchedProcess;
import dev.ccs.core.process.Processes;
import dev.ccs.core.protocol.ClaudeEvent;
import dev.ccs.core.protocol.EventParser;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.time.Scheduler;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live CLI of one session, started with {@code --input-format stream-json}: each turn is a user
 * message written to its stdin and ends at its result line; the process stays for the next. What
 * was fixed at its start (its {@link #fingerprint}, its budget flag) decides which turns it may
 * serve. Its lock guards its state and that of its current turn.
 */
final class WarmProcess {

  private static final Logger LOG = LoggerFactory.getLogger(WarmProcess.class);
  /** How long a process whose stdin was closed may take to exit before SIGTERM (the CLI takes ~60 ms). */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  enum State { IDLE, BUSY, ENDING, ENDED }

  final UUID sessionId;
  final String fingerprint;
  /** The {@code CCS_RUN_ID} tag of its processes. */
  final String runId;
  /** The {@code --max-budget-usd} it was started with, or null. */
  final BigDecimal startBudget;
  /** The CLI's running cost total when it started (it carries a resumed session's total on). */
  final BigDecimal baselineTotal;
  private final ClaudeExecutor executor;
  private final Scheduler scheduler;
  private final LaunchedProcess process;
  private final StderrTail stderr;
  private final CompletableFuture<Integer> exited = new CompletableFuture<>();
  private final Redactor redactor;

  // Guarded by this.
  private State state = State.IDLE;
  private WarmTurn current;
  private BigDecimal lastTotal;
  private int turns;
  private long lastUsedNanos;
  private long syncedVersion;
  private int requests;
  private boolean crashed;
  private volatile long lastRss;

  private WarmProcess(Builder b) {
    sessionId = b.sessionId;
    runId = b.runId;
    fingerprint = b.fingerprint;
    startBudget = b.startBudget;
    baselineTotal = b.baselineTotal;
    lastTotal = b.baselineTotal;
    executor = b.executor;
    scheduler = b.scheduler;
    process = b.process;
    stderr = new StderrTail(executor.stderrTailBytes());
    redactor = b.redactor;
    syncedVersion = b.sessionVersion;
    lastUsedNanos = b.nowNanos;
  }

  /** Starts reading the process's output on {@code threads}; the process is the caller's to end. */
  static WarmProcess start(Builder b, ExecutorService threads) {
    WarmProcess warm = new WarmProcess(b);
    threads.execute(warm::drainStderr);
    threads.execute(warm::readStdout);
    return warm;
  }

  static Builder builder() {
    return new Builder();
  }

  long pid() {
    return process.pid();
  }

  ClaudeExecutor executor() {
    return executor;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  synchronized State state() {
    return state;
  }

  /** Whether it exited by itself (not ended by the pool, a timeout or a cancel). */
  synchronized boolean crashed() {
    return crashed;
  }

  synchronized int turns() {
    return turns;
  }

  synchronized long lastUsedNanos() {
    return lastUsedNanos;
  }

  /** What it may still spend before its budget flag stops it; null without one. */
  synchronized BigDecimal budgetLeft() {
    return startBudget == null ? null : startBudget.subtract(lastTotal.subtract(baselineTotal));
  }

  synchronized long syncedVersion() {
    return syncedVersion;
  }

  /** The session was stored at {@code version} after a turn of this process: its state is the process's. */
  synchronized void synced(long version) {
    syncedVersion = version;
  }

  /** Makes {@code turn} the current one; false when the process cannot take it (busy or ending). */
  synchronized boolean begin(WarmTurn turn) {
    if (state != State.IDLE) {
      return false;
    }
    state = State.BUSY;
    current = turn;
    return true;
  }

  /** The current turn has its outcome: the process is free again, unless it is ending. */
  synchronized void finished(WarmTurn turn, long nowNanos) {
    if (current == turn) {
      current = null;
      turns++;
      lastUsedNanos = nowNanos;
      if (state == State.BUSY) {
        state = State.IDLE;
      }
    }
  }

  /** Writes one user message for a turn. */
  void writeUserMessage(String prompt) throws IOException {
    ObjectNode line = Json.object();
    line.put("type", "user");
    ObjectNode message = line.putObject("message");
    message.put("role", "user");
    message.putArray("content").addObject().put("type", "text").put("text", prompt);
    write(line);
  }

  /** Asks the CLI to interrupt its running turn (it ends the turn with an aborted result and stays). */
  void interrupt() {
    ObjectNode line = Json.object();
    line.put("type", "control_request");
    synchronized (this) {
      line.put("request_id", "ccs_interrupt_" + ++requests);
    }
    line.putObject("request").put("subtype", "interrupt");
    try {
      write(line);
    } catch (IOException e) {
      LOG.debug("interrupt of warm Claude CLI pid {} not written: {}", pid(), e.toString());
    }
  }

  private void write(ObjectNode line) throws IOException {
    byte[] bytes = (Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8);
    OutputStream stdin = process.stdin();
    // One writer at a time: a turn's message and an interrupt must not interleave.
    synchronized (stdin) {
      stdin.write(bytes);
      stdin.flush();
    }
  }

  /**
   * Ends the process: stdin closed (the CLI then exits by itself, after the running turn if any),
   * SIGTERM to its tree if it has not exited after {@link #CLOSE_GRACE}, SIGKILL after the kill grace.
   */
  void end(String why) {
    WarmTurn running;
    synchronized (this) {
      if (state == State.ENDING || state == State.ENDED) {
        return;
      }
      state = State.ENDING;
      running = current;
    }
    if (running != null) {
      // Interrupted first: closing stdin alone would let it run to its end.
      running.cancel();
    }
    LOG.info("ending warm Claude CLI pid {} of session {}: {}", pid(), sessionId, why);
    try {
      process.stdin().close();
    } catch (IOException e) {
      LOG.debug("stdin of warm Claude CLI pid {}: {}", pid(), e.toString());
    }
    scheduler.schedule(CLOSE_GRACE, () -> {
      if (!exited.isDone()) {
        kill();
      }
    });
  }

  /** SIGTERM to the tree now, SIGKILL after the kill grace (a timeout, a cancel that the CLI ignored). */
  void kill() {
    synchronized (this) {
      if (state != State.ENDED) {
        state = State.ENDING;
      }
    }
    process.signalTree(false);
    scheduler.schedule(executor.killGrace(), () -> {
      if (!exited.isDone() || !process.survivors().isEmpty()) {
        process.signalTree(true);
      }
    });
  }

  /** Completes with the exit code (null if unknown) once the process and what it started are gone. */
  CompletableFuture<Integer> exited() {
    return exited;
  }

  /**
   * Resident memory of the process and everything it started, in bytes (0 once it has ended), read
   * from {@code /proc} now (finding what it started reads every process: not for every status call).
   */
  long measureRss() {
    long total = Processes.rssBytes(process.pid());
    for (ProcessHandle child : ProcessHandle.of(process.pid()).map(h -> h.descendants().toList())
        .orElse(java.util.List.of())) {
      total += Processes.rssBytes(child.pid());
    }
    if (turns() > 0) {
      // Not while it starts (the CLI may not even be exec'd yet): that figure would stand until its next turn.
      lastRss = total;
    }
    return total;
  }

  /** What {@link #measureRss} read last once the process had answered a turn, measured now if never. */
  long rssBytes() {
    long last = lastRss;
    return last > 0 ? last : measureRss();
  }

  /** The last part of its stderr, secrets masked. */
  String stderrText() {
    return redactor.redact(stderr.text());
  }

  Redactor redactor() {
    return redactor;
  }

  private void drainStderr() {
    try {
      stderr.drain(process.stderr());
    } catch (IOException e) {
      LOG.debug("stderr of warm Claude CLI pid {} closed: {}", pid(), e.toString());
    }
  }

  private void readStdout() {
    LineReader reader = new LineReader(process.stdout(), executor.maxLineBytes());
    try {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isEmpty()) {
          dispatch(EventParser.parse(line));
        }
      }
    } catch (IOException e) {
      LOG.debug("stdout of warm Claude CLI pid {} closed: {}", pid(), e.toString());
    } catch (RuntimeException e) {
      LOG.error("reading warm Claude CLI pid {} failed; ending it", pid(), e);
    }
    outputClosed();
  }

  private void dispatch(ClaudeEvent event) {
    WarmTurn turn;
    synchronized (this) {
      if (event instanceof ResultMessage result && result.totalCostUsd() != null) {
        lastTotal = result.totalCostUsd();
      }
      turn = current;
    }
    if (turn != null) {
      turn.onEvent(event);
    }
  }

  /** Stdout is closed: the process is ending or has ended, by request or not. */
  private void outputClosed() {
    OptionalInt code = process.waitFor(executor.killGrace());
    if (code.isEmpty()) {
      process.signalTree(true);
      code = process.waitFor(Duration.ofSeconds(2));
    }
    for (ProcessHandle survivor : process.survivors()) {
      // What the CLI started (a tool's background process) does not outlive it.
      survivor.destroyForcibly();
    }
    WarmTurn turn;
    boolean crashed;
    synchronized (this) {
      crashed = state != State.ENDING;
      this.crashed = crashed;
      state = State.ENDED;
      turn = current;
      current = null;
    }
    executor.releaseInteractive(runId);
    Integer exitCode = code.isPresent() ? code.getAsInt() : null;
    if (crashed) {
      LOG.warn("warm Claude CLI pid {} of session {} exited by itself (code {}); the next turn resumes the session "
          + "in a new process", pid(), sessionId, exitCode);
    }
    if (turn != null) {
      turn.processEnded(exitCode, stderrText());
    }
    exited.complete(exitCode);
  }

  /** Builds a {@link WarmProcess} by name. */
  static final class Builder {
    private UUID sessionId;
    private String fingerprint;
    private BigDecimal startBudget;
    private BigDecimal baselineTotal = BigDecimal.ZERO;
    private ClaudeExecutor executor;
    private Scheduler scheduler;
    private LaunchedProcess process;
    private String runId;
    private Redactor redactor;
    private long sessionVersion;
    private long nowNanos;

    Builder sessionId(UUID value) { sessionId = value; return this; }
    Builder fingerprint(String value) { fingerprint = value; return this; }
    Builder startBudget(BigDecimal value) { startBudget = value; return this; }
    Builder baselineTotal(BigDecimal value) { baselineTotal = value; return this; }
    Builder executor(ClaudeExecutor value) { executor = value; return this; }
    Builder scheduler(Scheduler value) { scheduler = value; return this; }
    Builder process(LaunchedProcess value) { process = value; return this; }
    Builder runId(String value) { runId = value; return this; }
    Builder redactor(Redactor value) { redactor = value; return this; }
    Builder sessionVersion(long value) { sessionVersion = value; return this; }
    Builder nowNanos(long value) { nowNanos = value; return this; }
  }
}
