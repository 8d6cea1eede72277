package dev.ccs.core.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ProcessBuilder}-backed launcher. Java cannot put a child into a process group of its own,
 * so on Linux the command is prefixed with {@code setsid}, which calls setsid(2) and then execs the
 * command in place (same pid). The group then collects the CLI and its tool processes, and survives
 * the CLI: a tool process orphaned by a crash keeps the group id and can still be found and killed.
 */
final class SystemProcessLauncher implements ProcessLauncher {

  static final SystemProcessLauncher WITH_GROUPS = new SystemProcessLauncher(true);
  static final SystemProcessLauncher WITHOUT_GROUPS = new SystemProcessLauncher(false);

  private final String setsid;
  private final boolean procFs = ProcFs.available();

  private SystemProcessLauncher(boolean processGroups) {
    this.setsid = processGroups ? findSetsid() : null;
  }

  private static String findSetsid() {
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      return null;
    }
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return null;
  }

  /** Whether children get a process group of their own (Linux with {@code setsid}). */
  boolean usesProcessGroups() {
    return setsid != null && procFs;
  }

  @Override
  public LaunchedProcess launch(ProcessSpec spec) throws IOException {
    List<String> command = new ArrayList<>(spec.command().size() + 1);
    if (usesProcessGroups()) {
      command.add(setsid);
    }
    command.addAll(spec.command());
    // Look the program up on the child's PATH (which may have nodeBinDir in front), not the
    // server's; and fail here with an IOException, not later as setsid's exit code 127.
    int program = usesProcessGroups() ? 1 : 0;
    command.set(program, Executables.resolve(command.get(program), spec.environment().get("PATH")));
    ProcessBuilder builder = new ProcessBuilder(command).directory(spec.workingDirectory().toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(spec.environment());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      // The program may have been moved or replaced since it was looked up: look again next time.
      Executables.forget(spec.command().get(0));
      throw e;
    }
    return new SystemProcess(process, usesProcessGroups());
  }

  private static final class SystemProcess implements LaunchedProcess {
    private final Process process;
    private final boolean ownGroup;
    /** Every process ever seen in the tree, so a later signal reaches ones orphaned since. */
    private final Map<Long, ProcessHandle> seen = new LinkedHashMap<>();

    SystemProcess(Process process, boolean ownGroup) {
      this.process = process;
      this.ownGroup = ownGroup;
    }

    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public OutputStream stdin() {
      return process.getOutputStream();
    }

    @Override
    public InputStream stdout() {
      return process.getInputStream();
    }

    @Override
    public InputStream stderr() {
      return process.getErrorStream();
    }

    @Override
    public int waitFor() {
      boolean interrupted = false;
      while (true) {
        try {
          int code = process.waitFor();
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
          return code;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }

    @Override
    public boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public synchronized int signalTree(boolean force) {
      collectTree();
      int signalled = 0;
      // Children first, so that a parent cannot restart a child that has just been killed.
      List<ProcessHandle> handles = new ArrayList<>(seen.values());
      for (int i = handles.size() - 1; i >= 0; i--) {
        ProcessHandle handle = handles.get(i);
        if (handle.pid() == process.pid()) {
          continue;
        }
        if (Processes.isRunning(handle) && (force ? handle.destroyForcibly() : handle.destroy())) {
          signalled++;
        }
      }
      if (process.isAlive()) {
        if (force) {
          process.destroyForcibly();
        } else {
          process.destroy();
        }
        signalled++;
      }
      return signalled;
    }

    @Override
    public synchronized boolean mayHaveSurvivors() {
      return ownGroup || seen.size() > 1;
    }

    @Override
    public synchronized List<ProcessHandle> survivors() {
      collectTree();
      List<ProcessHandle> alive = new ArrayList<>();
      for (ProcessHandle handle : seen.values()) {
        if (handle.pid() != process.pid() && Processes.isRunning(handle)) {
          alive.add(handle);
        }
      }
      return alive;
    }

    private void collectTree() {
      ProcessHandle root = process.toHandle();
      // descendants() walks every process of the system; only worth it while the root can have any.
      if (root.isAlive()) {
        seen.putIfAbsent(root.pid(), root);
        root.descendants().forEach(h -> seen.putIfAbsent(h.pid(), h));
      }
      if (ownGroup) {
        for (long pid : ProcFs.groupMembers(process.pid())) {
          ProcessHandle.of(pid).ifPresent(h -> seen.putIfAbsent(pid, h));
        }
      }
      // Handles of exited processes stay: ProcessHandle checks the start time, so a reused pid is
      // never signalled by mistake.
    }
  }
}
