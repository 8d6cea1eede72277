package dev.ccs.core.warm;

import dev.ccs.core.exec.RunHandle;
import dev.ccs.core.exec.RunListener;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.exec.StderrTail;
import dev.ccs.core.protocol.ClaudeEvent;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.protocol.StreamEvent;
import dev.ccs.core.protocol.SystemEvent;
import dev.ccs.core.protocol.SystemInit;
import dev.ccs.core.time.Cancellable;
import dev.ccs.core.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One turn on a warm process: written as a user message, ended by its result line. The listener
 * sees what a cold run of the same request would print: only the result line for {@code json}
 * output, no partial messages unless asked for. A cancel interrupts the turn through the CLI's
 * control protocol (the process stays; SIGTERM if the CLI does not end the turn within the kill
 * grace); a timeout ends the process.
 */
final class WarmTurn implements RunHandle {

  private static final Logger LOG = LoggerFactory.getLogger(WarmTurn.class);

  private final WarmProcess process;
  private final RunListener listener;
  private final boolean streamed;
  private final boolean partial;
  private final Duration timeout;
  private final Ticker ticker;
  private final CompletableFuture<RunOutcome> outcome = new CompletableFuture<>();

  // Guarded by process.
  private RunStatus forced;
  private String cliSessionId;
  private Cancellable timeoutTask;
  private Cancellable cancelGrace;
  private long startNanos;
  private boolean started;

  WarmTurn(WarmProcess process, RunListener listener, boolean streamed, boolean partial, Duration timeout,
      Ticker ticker) {
    this.process = process;
    this.listener = listener;
    this.streamed = streamed;
    this.partial = partial;
    this.timeout = timeout;
    this.ticker = ticker;
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public CompletableFuture<RunOutcome> outcome() {
    return outcome;
  }

  /** Writes the prompt and waits for the turn's outcome, on the calling thread. */
  RunOutcome execute(String prompt) {
    synchronized (process) {
      startNanos = ticker.read();
      started = true;
      if (forced != null) {
        return complete(forced, null, null, "cancelled before it started");
      }
      timeoutTask = process.scheduler().schedule(timeout, () -> stop(RunStatus.TIMED_OUT));
    }
    // Before the prompt, unlike a cold run: a warm CLI may answer before a call after it returned,
    // and the listener hears of the start before any of the turn's output.
    safely(() -> listener.onStart(process.pid()));
    try {
      process.writeUserMessage(prompt);
    } catch (IOException e) {
      // The process is ending (it crashed between turns): its end completes the turn as crashed.
      LOG.debug("prompt to warm Claude CLI pid {} not written: {}", pid(), e.toString());
      process.kill();
    }
    try {
      return outcome.join();
    } finally {
      cancelTimers();
    }
  }

  @Override
  public boolean cancel() {
    return stop(RunStatus.CANCELLED);
  }

  private boolean stop(RunStatus reason) {
    synchronized (process) {
      if (forced != null || outcome.isDone()) {
        return false;
      }
      forced = reason;
      if (timeoutTask != null) {
        timeoutTask.cancel();
      }
      if (!started) {
        return true; // not started: execute() ends it at once
      }
    }
    if (reason == RunStatus.TIMED_OUT) {
      LOG.info("timeout: ending warm Claude CLI pid {} of session {}", pid(), process.sessionId);
      process.kill();
    } else {
      LOG.info("cancel: interrupting the turn of warm Claude CLI pid {} of session {}", pid(), process.sessionId);
      process.interrupt();
      synchronized (process) {
        cancelGrace = process.scheduler().schedule(process.executor().killGrace(), () -> {
          if (!outcome.isDone()) {
            LOG.warn("warm Claude CLI pid {} did not end its interrupted turn; ending it", pid());
            process.kill();
          }
        });
      }
    }
    return true;
  }

  /** A line of the process's output while this turn is its current one. */
  void onEvent(ClaudeEvent event) {
    RunStatus stopped;
    synchronized (process) {
      if (event instanceof SystemInit && event.sessionId() != null) {
        cliSessionId = event.sessionId();
      }
      stopped = forced;
    }
    ResultMessage result = event instanceof ResultMessage r ? r : null;
    if (stopped != null) {
      if (result != null && stopped == RunStatus.CANCELLED) {
        // The interrupted turn's end (the process stays): its result carries what it cost so far.
        complete(stopped, result, null, "Claude CLI run was cancelled");
      }
      // A timed-out turn ends with its process (processEnded), so that no process outlives its outcome.
      return;
    }
    if (shown(event)) {
      safely(() -> listener.onEvent(event));
    }
    if (result != null) {
      if (result.sessionId() != null) {
        synchronized (process) {
          cliSessionId = result.sessionId();
        }
      }
      RunOutcome decided = decided(result);
      safely(() -> listener.onResult(decided));
      complete(decided);
    }
  }

  /** What a cold run of the same request would print: the result alone for json, no partials unless asked. */
  private boolean shown(ClaudeEvent event) {
    if (!streamed) {
      return event instanceof ResultMessage;
    }
    if (partial) {
      return true;
    }
    return !(event instanceof StreamEvent)
        && !(event instanceof SystemEvent system && "status".equals(system.subtype()));
  }

  /** The process ended before this turn's result. */
  void processEnded(Integer exitCode, String stderrTail) {
    RunStatus stopped;
    synchronized (process) {
      stopped = forced;
    }
    if (stopped != null) {
      complete(stopped, null, exitCode, stopped == RunStatus.TIMED_OUT ? timedOutMessage()
          : "Claude CLI run was cancelled");
      return;
    }
    complete(new RunOutcome(RunStatus.CRASHED, null, cliSessionId(), exitCode, elapsed(), stderrTail,
        (exitCode == null ? "warm Claude CLI ended" : "warm Claude CLI exited with code " + exitCode)
            + " without a result" + StderrTail.lastLine(stderrTail).map(line -> ": " + line).orElse("")));
  }

  private RunOutcome decided(ResultMessage result) {
    return result.failed()
        ? new RunOutcome(RunStatus.ERROR_RESULT, result, cliSessionId(), null, elapsed(), "",
            process.redactor().redact(result.errorMessage()))
        : new RunOutcome(RunStatus.SUCCEEDED, result, cliSessionId(), null, elapsed(), "", null);
  }

  private RunOutcome complete(RunStatus status, ResultMessage result, Integer exitCode, String message) {
    return complete(new RunOutcome(status, result, cliSessionId(), exitCode, elapsed(), "", message));
  }

  private RunOutcome complete(RunOutcome done) {
    process.finished(this, ticker.read());
    outcome.complete(done);
    return outcome.join();
  }

  private String timedOutMessage() {
    return "Claude CLI timed out after " + timeout.toMillis() + " ms";
  }

  private String cliSessionId() {
    synchronized (process) {
      return cliSessionId;
    }
  }

  private Duration elapsed() {
    synchronized (process) {
      return started ? Duration.ofNanos(ticker.read() - startNanos) : Duration.ZERO;
    }
  }

  private void cancelTimers() {
    synchronized (process) {
      for (Cancellable task : new Cancellable[] {timeoutTask, cancelGrace}) {
        if (task != null) {
          task.cancel();
        }
      }
    }
  }

  private static void safely(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.warn("run listener failed", e);
    }
  }
}
