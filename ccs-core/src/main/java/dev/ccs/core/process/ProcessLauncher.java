package dev.ccs.core.process;

import java.io.IOException;

/**
 * Starts child processes. {@link #system()} is the real one; the seam exists so that an embedding
 * application can wrap launches (containers, sandboxes) and for the rare in-memory test.
 */
@FunctionalInterface
public interface ProcessLauncher {

  /**
   * Starts {@code spec}; the process's stdin, stdout and stderr are pipes owned by the caller.
   *
   * @throws IOException when the program cannot be started (missing, not executable)
   */
  LaunchedProcess launch(ProcessSpec spec) throws IOException;

  /**
   * Launches with {@link ProcessBuilder}. On Linux each child starts in a session and process group
   * of its own (through {@code setsid}) so that the child and everything it starts can be signalled
   * together, even processes that were orphaned when their parent died.
   */
  static ProcessLauncher system() {
    return SystemProcessLauncher.WITH_GROUPS;
  }

  /**
   * {@link #system()}, or, with {@code processGroups} false, without the process group: one exec
   * less per run, but a process that the CLI leaves behind after it exited (a background shell, a
   * tool holding its pipes) can no longer be found. Processes started while the CLI runs are still
   * ended with it.
   */
  static ProcessLauncher system(boolean processGroups) {
    return processGroups ? SystemProcessLauncher.WITH_GROUPS : SystemProcessLauncher.WITHOUT_GROUPS;
  }
}
