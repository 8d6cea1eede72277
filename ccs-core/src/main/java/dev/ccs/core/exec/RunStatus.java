package dev.ccs.core.exec;

/** How a run ended. Exactly one applies, and once decided it never changes. */
public enum RunStatus {
  /** A result line with {@code is_error: false}. */
  SUCCEEDED,
  /** A result line that reports a failure: API error, max turns, budget exhausted, ... */
  ERROR_RESULT,
  /** The CLI ended without a result line: bad arguments, a crash, a signal. */
  CRASHED,
  /** The CLI could not be started (not installed, not executable). */
  START_FAILED,
  /** The run hit its time limit; the process tree was terminated. */
  TIMED_OUT,
  /** The run was cancelled; the process tree was terminated. */
  CANCELLED;

  public boolean succeeded() {
    return this == SUCCEEDED;
  }
}
