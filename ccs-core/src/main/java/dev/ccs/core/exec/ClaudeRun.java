package dev.ccs.core.exec;

import dev.ccs.core.process.LaunchedProcess;
import dev.ccs.core.process.ProcessSpec;
import dev.ccs.core.process.Processes;
import dev.ccs.core.protocol.ClaudeEvent;
import dev.ccs.core.protocol.EventParser;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.protocol.SystemInit;
import dev.ccs.core.time.Cancellable;
import dev.ccs.core.trace.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the CLI: start it with {@link #execute()} (blocking, reads the output on the calling
 * thread) or {@link #start()} (on a worker thread); stop it with {@link #cancel()} from any thread.
 *
 * <p>The outcome is decided once. A result line fixes it to {@link RunStatus#SUCCEEDED} or
 * {@link RunStatus#ERROR_RESULT}, and a later cancel is refused; a cancel or timeout before the
 * result fixes it to {@link RunStatus#CANCELLED} or {@link RunStatus#TIMED_OUT}, and a result line
 * printed while the process dies is ignored. Either way the outcome is completed only when the
 * process has exited, both pipes are closed and nothing the process started is still alive.
 */
public final class ClaudeRun implements RunHandle {

  private static final Logger LOG = LoggerFactory.getLogger(ClaudeRun.class);
  /** Prompts up to this size fit in a pipe buffer (64 KiB on Linux) and are written inline. */
  private static final int INLINE_PROMPT_BYTES = 48 * 1024;
  /** Characters of the prompt encoded at a time. */
  private static final int PROMPT_SLICE = 8 * 1024;
  /** How often a live run checks whether its process has exited while its pipes stay open. */
  private static final Duration EXIT_POLL = Duration.ofSeconds(1);

  private enum State { NEW, STARTED, DONE }

  private final ClaudeExecutor executor;
  private final ClaudeRequest request;
  private final RunListener listener;
  private final CompletableFuture<RunOutcome> outcome = new CompletableFuture<>();
  private final CompletableFuture<Void> streamsClosed = new CompletableFuture<>();

  // Guarded by this.
  private State state = State.NEW;
  private RunStatus forcedStatus;
  private ResultMessage result;
  private LaunchedProcess process;
  private Cancellable timeoutTask;
  private Cancellable killTask;
  private Cancellable exitGraceTask;
  private Cancellable drainTask;
  private Cancellable exitWatchTask;

  private volatile String cliSessionId;
  /** The stage the reading thread is in, for {@link Phase} events; only that thread touches it. */
  private Phase phase;
  private final String runId = java.util.UUID.randomUUID().toString();
  private long startNanos;

  ClaudeRun(ClaudeExecutor executor, ClaudeRequest request, RunListener listener) {
    this.executor = executor;
    this.request = request;
    this.listener = listener;
  }

  public ClaudeRequest request() {
    return request;
  }

  /** Completes when the run has ended and its processes are gone. */
  @Override
  public CompletableFuture<RunOutcome> outcome() {
    return outcome;
  }

  /** The id in the {@code CCS_RUN_ID} variable of this run's processes. */
  public String runId() {
    return runId;
  }

  @Override
  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** Starts the run on a worker thread. */
  public CompletableFuture<RunOutcome> start() {
    executor.ioThreads().execute(this::execute);
    return outcome;
  }

  /**
   * Cancels the run: SIGTERM to the CLI and everything it started, SIGKILL after the grace period.
   * A run cancelled before it started never starts; false when it already has its outcome or result line.
   */
  @Override
  public boolean cancel() {
    return stop(RunStatus.CANCELLED);
  }


  /** Runs the CLI on the calling thread and returns when it has ended. */
  public RunOutcome execute() {
    synchronized (this) {
      if (state != State.NEW) {
        throw new IllegalStateException("a run can be executed once");
      }
      state = State.STARTED;
      if (forcedStatus != null) {
        return finish(null, forcedStatus, null, "cancelled before it started", "");
      }
    }
    startNanos = executor.ticker().read();
    ProcessSpec spec = executor.processSpec(request, runId);
    // Live before its process exists, so that an orphan sweep never takes it for a leftover.
    executor.register(this);
    LaunchedProcess launched;
    Phase launch = Phase.begin("cli.launch");
    try {
      launched = executor.launcher().launch(spec);
      launch.done();
    } catch (IOException e) {
      return finish(null, RunStatus.START_FAILED, null, executor.startFailureMessage(spec, e), "");
    }
    try {
      return supervise(launched);
    } catch (RuntimeException | Error e) {
      // A bug here must not leave a process running or a caller waiting for ever.
      LOG.error("supervising Claude CLI pid {} failed", launched.pid(), e);
      launched.signalTree(true);
      if (!outcome.isDone()) {
        finish(result, RunStatus.CRASHED, null, "internal error while running the Claude CLI: " + e, "");
      }
      throw e;
    }
  }

  private RunOutcome supervise(LaunchedProcess launched) {
    synchronized (this) {
      process = launched;
      Duration timeout = request.timeout() != null ? request.timeout() : executor.defaultTimeout();
      timeoutTask = executor.scheduler().schedule(timeout, () -> stop(RunStatus.TIMED_OUT));
      if (forcedStatus != null) {
        terminateTree();
      }
    }
    StderrTail stderr = new StderrTail(executor.stderrTailBytes());
    CompletableFuture<Void> stderrDone = new CompletableFuture<>();
    executor.ioThreads().execute(() -> {
      try {
        stderr.drain(launched.stderr());
      } catch (IOException e) {
        LOG.debug("stderr of pid {} closed: {}", launched.pid(), e.toString());
      } finally {
        stderrDone.complete(null);
      }
    });
    phase = Phase.begin("cli.output");
    writePrompt(launched);
    // After the prompt: what the listener does at the start overlaps the CLI's work.
    safely(() -> listener.onStart(launched.pid()));
    watchExit();

    readStdout(launched);
    LOG.debug("stdout of pid {} closed", launched.pid());
    if (resultSeen() == null) {
      outputEnded();
    }
    stderrDone.join();
    streamsClosed.complete(null);
    Integer exitCode = exitCode(launched);
    String rawStderr = stderr.text();
    String stderrText = rawStderr.isEmpty() ? rawStderr : executor.redactor(request).redact(rawStderr);

    RunStatus status;
    ResultMessage finalResult;
    synchronized (this) {
      cancelTimers();
      status = forcedStatus;
      finalResult = result;
    }
    boolean stopped = status != null;
    if (stopped) {
      // Cancelled or timed out: the outcome says the processes are gone, so make sure of it first.
      endSurvivors(launched, true);
    }
    LOG.debug("pid {} ended with {}", launched.pid(), exitCode);
    String message;
    if (status != null) {
      message = status == RunStatus.TIMED_OUT
          ? "Claude CLI timed out after " + timeoutOf().toMillis() + " ms"
          : "Claude CLI run was cancelled";
    } else if (finalResult != null) {
      status = finalResult.failed() ? RunStatus.ERROR_RESULT : RunStatus.SUCCEEDED;
      message = finalResult.failed() ? executor.redactor(request).redact(finalResult.errorMessage()) : null;
    } else {
      status = RunStatus.CRASHED;
      message = (exitCode == null ? "Claude CLI ended" : "Claude CLI exited with code " + exitCode) + " without a result"
          + StderrTail.lastLine(stderrText).map(line -> ": " + line).orElse("");
    }
    RunOutcome done = finish(finalResult, status, exitCode, message, stderrText);
    phase.done();
    if (!stopped) {
      if (launched.mayHaveSurvivors()) {
        executor.ioThreads().execute(() -> endSurvivors(launched, false));
      } else {
        // Anything the CLI left running (a background shell) carries its run id; the executor's
        // sweep ends it shortly, off the caller's path: the search reads every process's environment.
        executor.sweepSoon();
      }
    }
    return done;
  }

  /**
   * The exit code, once the pipes are closed. The process has normally exited by then; one that
   * closed its output and lives on is ended like a stuck one. When even SIGKILL is not seen to end
   * it (the JVM's own reaper thread failed, say, or the process is stuck in the kernel), the run
   * ends without an exit code rather than never: no caller and no slot waits for ever.
   */
  private Integer exitCode(LaunchedProcess launched) {
    OptionalInt code = launched.waitFor(executor.exitGrace());
    if (code.isEmpty()) {
      LOG.warn("Claude CLI pid {} closed its output but did not exit; ending it", launched.pid());
      launched.signalTree(false);
      code = launched.waitFor(executor.killGrace());
    }
    if (code.isEmpty()) {
      launched.signalTree(true);
      code = launched.waitFor(Duration.ofSeconds(2));
    }
    if (code.isEmpty()) {
      LOG.error("Claude CLI pid {} was not seen to exit even after SIGKILL; its run ends without an exit code",
          launched.pid());
      return null;
    }
    return code.getAsInt();
  }

  /**
   * A process that exits while something it started still holds the pipes open would leave the
   * readers blocked for ever; once that is seen, the rest of the tree gets a grace period and is
   * then ended. Checked by polling on the scheduler rather than with {@code Process.onExit()},
   * whose completion hops through the common fork-join pool and costs half a millisecond per run.
   */
  private synchronized void watchExit() {
    if (state == State.DONE || streamsClosed.isDone()) {
      return;
    }
    if (process.isAlive()) {
      exitWatchTask = executor.scheduler().schedule(EXIT_POLL, this::watchExit);
    } else if (drainTask == null) {
      drainTask = executor.scheduler().schedule(executor.drainGrace(), this::terminateTree);
    }
  }

  private Duration timeoutOf() {
    return request.timeout() != null ? request.timeout() : executor.defaultTimeout();
  }

  private void writePrompt(LaunchedProcess launched) {
    String prompt = request.prompt();
    // Encoded as it is written (no copy of a large prompt in bytes).
    Runnable write = () -> {
      try (Writer stdin = new OutputStreamWriter(launched.stdin(), StandardCharsets.UTF_8)) {
        // In slices: the JDK's encoder copies a written string into a char array of its length.
        for (int i = 0; i < prompt.length(); i += PROMPT_SLICE) {
          stdin.write(prompt, i, Math.min(PROMPT_SLICE, prompt.length() - i));
        }
      } catch (IOException e) {
        // The CLI exited without reading its input (a usage error); its output says why.
        LOG.debug("stdin of pid {} closed early: {}", launched.pid(), e.toString());
      }
    };
    // A prompt that fits in the pipe's buffer (64 KiB on Linux) is written inline.
    if ((long) prompt.length() * 3 <= INLINE_PROMPT_BYTES) {
      write.run();
    } else {
      executor.ioThreads().execute(write);
    }
  }

  private void readStdout(LaunchedProcess launched) {
    InputStream stdout = launched.stdout();
    LineReader reader = new LineReader(stdout, executor.maxLineBytes());
    try {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isEmpty()) {
          continue;
        }
        ClaudeEvent event = EventParser.parse(line);
        if (!accept(event)) {
          continue;
        }
        safely(() -> listener.onEvent(event));
        if (event instanceof ResultMessage && event == resultSeen()) {
          outputEnded();
          RunOutcome decided = decided((ResultMessage) event);
          safely(() -> listener.onResult(decided));
        }
      }
    } catch (IOException e) {
      LOG.debug("stdout of pid {} closed: {}", launched.pid(), e.toString());
    }
    if (reader.truncatedLines() > 0) {
      LOG.warn("Claude CLI pid {} printed {} line(s) longer than {} bytes; they were cut",
          launched.pid(), reader.truncatedLines(), executor.maxLineBytes());
    }
  }

  private synchronized ResultMessage resultSeen() {
    return result;
  }

  /** The output phase ends at the result line (or at the end of stdout without one). */
  private void outputEnded() {
    phase.done();
    phase = Phase.begin("cli.exit");
  }

  /** The outcome a result line fixes, before the process has exited. */
  private RunOutcome decided(ResultMessage resultMessage) {
    Duration duration = Duration.ofNanos(executor.ticker().read() - startNanos);
    return resultMessage.failed()
        ? new RunOutcome(RunStatus.ERROR_RESULT, resultMessage, cliSessionId, null, duration, "",
            executor.redactor(request).redact(resultMessage.errorMessage()))
        : new RunOutcome(RunStatus.SUCCEEDED, resultMessage, cliSessionId, null, duration, "", null);
  }

  /** Records what the event means for the run; false when the run is being stopped. */
  private boolean accept(ClaudeEvent event) {
    if (event instanceof SystemInit && event.sessionId() != null) {
      cliSessionId = event.sessionId();
    }
    synchronized (this) {
      if (forcedStatus != null) {
        return false;
      }
      if (event instanceof ResultMessage resultMessage && result == null) {
        result = resultMessage;
        if (resultMessage.sessionId() != null) {
          cliSessionId = resultMessage.sessionId();
        }
        if (timeoutTask != null) {
          timeoutTask.cancel();
        }
        // The CLI exits right after its result; if something keeps it alive, end it after a while.
        exitGraceTask = executor.scheduler().schedule(executor.exitGrace(), this::terminateTree);
      }
      return true;
    }
  }

  private boolean stop(RunStatus reason) {
    synchronized (this) {
      if (state == State.DONE || result != null || forcedStatus != null) {
        return false;
      }
      forcedStatus = reason;
      if (timeoutTask != null) {
        timeoutTask.cancel();
      }
      if (process == null) {
        return true;
      }
      LOG.info("{} Claude CLI pid {}", reason == RunStatus.TIMED_OUT ? "timeout: terminating" : "cancel: terminating",
          process.pid());
      terminateTree();
      return true;
    }
  }

  /** SIGTERM to the tree now, SIGKILL after the grace period. */
  private synchronized void terminateTree() {
    if (process == null || state == State.DONE || killTask != null) {
      return;
    }
    LaunchedProcess target = process;
    target.signalTree(false);
    killTask = executor.scheduler().schedule(executor.killGrace(), () -> target.signalTree(true));
  }

  private void endSurvivors(LaunchedProcess launched, boolean stopped) {
    List<ProcessHandle> survivors = launched.survivors();
    if (survivors.isEmpty()) {
      return;
    }
    if (!stopped) {
      LOG.info("Claude CLI pid {} left {} process(es) behind; ending them", launched.pid(), survivors.size());
    }
    launched.signalTree(false);
    long deadline = System.nanoTime() + executor.killGrace().toNanos();
    for (ProcessHandle survivor : survivors) {
      if (!Processes.awaitExit(survivor, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
        survivor.destroyForcibly();
      }
    }
  }

  private synchronized void cancelTimers() {
    for (Cancellable task : new Cancellable[] {timeoutTask, killTask, exitGraceTask, drainTask, exitWatchTask}) {
      if (task != null) {
        task.cancel();
      }
    }
  }

  private RunOutcome finish(ResultMessage finalResult, RunStatus status, Integer exitCode, String message,
      String stderrText) {
    Duration duration = startNanos == 0 ? Duration.ZERO
        : Duration.ofNanos(executor.ticker().read() - startNanos);
    RunOutcome done = new RunOutcome(status, finalResult, cliSessionId, exitCode, duration, stderrText, message);
    synchronized (this) {
      state = State.DONE;
    }
    // Not live any more before anyone waiting for the outcome looks.
    executor.unregister(this);
    outcome.complete(done);
    return done;
  }

  private static void safely(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.warn("run listener failed", e);
    }
  }

}
