package dev.ccs.core.exec;

import dev.ccs.core.protocol.ClaudeEvent;

/**
 * Receives a run's output as it happens, on the thread reading the CLI's stdout, in order. Keep it
 * quick; an exception thrown here is logged and does not stop the run.
 */
@FunctionalInterface
public interface RunListener {

  RunListener NONE = event -> { };

  /** One output line, parsed. Not called after the run was cancelled or timed out. */
  void onEvent(ClaudeEvent event);

  /** The process has started and been given its prompt (a large one may still be being written). */
  default void onStart(long pid) {
  }

  /**
   * The result line has decided the outcome ({@link RunStatus#SUCCEEDED} or
   * {@link RunStatus#ERROR_RESULT}; a later cancel or timeout cannot change it) while the process
   * may still be exiting: what the caller writes durably can be written now, overlapping the exit.
   * The outcome has no exit code or stderr yet, and its duration runs to the result line. Called
   * after {@link #onEvent} of that line, before the run's outcome is complete.
   */
  default void onResult(RunOutcome decided) {
  }
}
