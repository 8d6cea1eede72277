package dev.ccs.core.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds processes by the environment variables ccs gives every run: {@code CCS_RUN_ID} (one run)
 * and {@code CCS_OWNER} (one ccs instance, the same across restarts on the same data directory).
 * Every process the CLI starts inherits them, so a tool process is found even after the CLI has
 * exited and the process was re-parented, or moved itself into a session of its own. Linux only
 * (it reads {@code /proc}); elsewhere nothing is found and only live descendants are ended.
 */
public final class ProcessTags {

  public static final String RUN = "CCS_RUN_ID";
  public static final String OWNER = "CCS_OWNER";

  private static final boolean AVAILABLE = ProcFs.available();

  private ProcessTags() {
  }

  /** The owner tag of the engine on {@code dataDir}: the same across its restarts, different per directory. */
  public static String ownerTag(java.nio.file.Path dataDir) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(dataDir.toAbsolutePath().normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "ccs-" + java.util.HexFormat.of().formatHex(digest, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static boolean available() {
    return AVAILABLE;
  }

  /** Running processes tagged with run {@code runId}. */
  public static List<ProcessHandle> ofRun(String runId) {
    List<ProcessHandle> found = new ArrayList<>();
    if (!AVAILABLE) {
      return found;
    }
    for (Map.Entry<Long, String> entry : ProcFs.processesWithVariable(RUN).entrySet()) {
      if (entry.getValue().equals(runId)) {
        running(entry.getKey()).ifPresent(found::add);
      }
    }
    return found;
  }

  /** Running processes of owner {@code owner}, with the run each belongs to (null if it has no run id). */
  public static Map<ProcessHandle, String> ofOwner(String owner) {
    Map<ProcessHandle, String> found = new java.util.LinkedHashMap<>();
    if (!AVAILABLE) {
      return found;
    }
    for (Map.Entry<Long, String[]> entry : ProcFs.processesWithVariables(OWNER, RUN).entrySet()) {
      String[] values = entry.getValue();
      if (values[0].equals(owner)) {
        running(entry.getKey()).ifPresent(handle -> found.put(handle, values[1]));
      }
    }
    return found;
  }

  private static Optional<ProcessHandle> running(long pid) {
    if (pid == ProcessHandle.current().pid()) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid).filter(Processes::isRunning);
  }
}
