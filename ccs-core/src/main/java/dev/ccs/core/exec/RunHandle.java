package dev.ccs.core.exec;

/**
 * What a caller may do with a run in progress, whichever way it runs: a {@link ClaudeRun} of its
 * own process, or a turn on a warm CLI that outlives it.
 */
public interface RunHandle {

  /**
   * Stops the run; a run stopped before it started never starts.
   *
   * @return false when the run already has its outcome (or its result line)
   */
  boolean cancel();

  /** The CLI's pid, or -1 before it started. */
  long pid();

  /** Completes when the run has ended (for a run of its own process: when its processes are gone). */
  java.util.concurrent.CompletableFuture<RunOutcome> outcome();
}
