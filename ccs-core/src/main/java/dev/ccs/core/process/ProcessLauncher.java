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
   * Launches with {@link ProcessBuilder}. A process started with {@code CCS_RUN_ID} in its
   * environment is ended together with every process that inherited that variable.
   */
  static ProcessLauncher system() {
    return SystemProcessLauncher.INSTANCE;
  }
}
