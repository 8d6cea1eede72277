package dev.ccs.core.process;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A started child process and the handles to end it together with everything it started. */
public interface LaunchedProcess {

  long pid();

  OutputStream stdin();

  InputStream stdout();

  InputStream stderr();

  /** Completes with the exit code (128 + signal number for a signal) when the process has exited. */
  CompletableFuture<Integer> onExit();

  boolean isAlive();

  /**
   * Signals the process and every process it started that is still alive: SIGTERM, or SIGKILL when
   * {@code force}. Processes seen by an earlier call are signalled again even if they have been
   * orphaned since. Returns the number of processes signalled.
   */
  int signalTree(boolean force);

  /** Processes started by this one that are still alive (after the process itself has exited, too). */
  List<ProcessHandle> survivors();
}
