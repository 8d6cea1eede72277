package dev.ccs.core.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * {@link ProcessBuilder}-backed launcher. The tree of a process is what {@code descendants()} sees
 * while it runs, plus every process tagged with its run id ({@link ProcessTags}), which also finds
 * what it left behind after it exited. (A process group of its own would need {@code setsid}, one
 * more exec per run: 2.5 ms on this project's benchmark machine, for the same result.)
 */
final class SystemProcessLauncher implements ProcessLauncher {

  static final SystemProcessLauncher INSTANCE = new SystemProcessLauncher();

  @Override
  public LaunchedProcess launch(ProcessSpec spec) throws IOException {
    List<String> command = new ArrayList<>(spec.command());
    // Look the program up on the child's PATH (which may have nodeBinDir in front), not the server's.
    command.set(0, Executables.resolve(command.get(0), spec.environment().get("PATH")));
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
    return new SystemProcess(process, spec.environment().get(ProcessTags.RUN));
  }

  private static final class SystemProcess implements LaunchedProcess {
    private final Process process;
    private final String runId;
    /** Every process ever seen in the tree, so a later signal reaches ones orphaned since. */
    private final Map<Long, ProcessHandle> seen = new LinkedHashMap<>();

    SystemProcess(Process process, String runId) {
      this.process = process;
      this.runId = runId;
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
    public OptionalInt waitFor(Duration timeout) {
      boolean interrupted = false;
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        while (true) {
          try {
            return process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
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
      return seen.size() > 1;
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
      if (runId != null) {
        ProcessTags.ofRun(runId).forEach(h -> seen.putIfAbsent(h.pid(), h));
      }
      // Handles of exited processes stay: ProcessHandle checks the start time, so a reused pid is
      // never signalled by mistake.
    }
  }
}
