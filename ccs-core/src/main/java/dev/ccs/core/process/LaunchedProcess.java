package dev.ccs.core.process;

import java.io.InputStream;
import java.time.Duration;
import java.io.OutputStream;
import java.util.List;
import java.util.OptionalInt;

/** A started child process and the handles to end it together with everything it started. */
public interface LaunchedProcess {

  long pid();

  OutputStream stdin();

  InputStream stdout();

  InputStream stderr();

  /**
   * Waits at most {@code timeout} for the process to exit and returns its exit code (128 + signal
   * number for a signal), or empty when it has not been seen to exit. Interruption is deferred: the
   * wait goes on and the thread's interrupt flag is set again after.
   */
  OptionalInt waitFor(Duration timeout);

  boolean isAlive();

  /**
   * Signals the process and every process it started that is still alive: SIGTERM, or SIGKILL when
   * {@code force}. Processes seen by an earlier call are signalled again even if they have been
   * orphaned since. Returns the number of processes signalled.
   */
  int signalTree(boolean force);

  /** Processes started by this one that are still alive (after the process itself has exited, too). */
  List<ProcessHandle> survivors();

  /**
   * Whether {@link #survivors()} can find anything once the process has exited: true when the
   * process had a group of its own (its members can be found), or when processes were seen by an
   * earlier {@link #signalTree}; false when nothing could be found, so the search can be skipped.
   */
  boolean mayHaveSurvivors();
}
