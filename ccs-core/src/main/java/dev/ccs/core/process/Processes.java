package dev.ccs.core.process;

import java.time.Duration;
import java.util.Optional;

/** Liveness checks that count a zombie (exited, not yet reaped) as gone. */
public final class Processes {

  private static final boolean PROC_FS = ProcFs.available();

  private Processes() {
  }

  /**
   * True while the process runs. {@link ProcessHandle#isAlive()} is also true for a zombie, which an
   * orphaned process stays for as long as the system's init does not reap it (in some containers,
   * for ever); a zombie holds no resources and cannot be killed, so here it counts as gone.
   */
  public static boolean isRunning(ProcessHandle handle) {
    return handle.isAlive() && !(PROC_FS && ProcFs.isZombie(handle.pid()));
  }

  /** True while a process with this pid runs. */
  public static boolean isRunning(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    return handle.isPresent() && isRunning(handle.get());
  }

  /** Waits until {@code handle} is no longer running; false if it still runs after {@code timeout}. */
  public static boolean awaitExit(ProcessHandle handle, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (isRunning(handle)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !isRunning(handle);
      }
    }
    return true;
  }

  /**
   * Resident memory of {@code pid} in bytes ({@code VmRSS} in {@code /proc/<pid>/status}); 0 when
   * the process is gone or {@code /proc} cannot be read.
   */
  public static long rssBytes(long pid) {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // Gone, or not Linux: no memory to count.
    }
    return 0;
  }
}
