package dev.ccs.core.exec;

import dev.ccs.core.concurrent.Threads;
import dev.ccs.core.process.LaunchedProcess;
import dev.ccs.core.process.ProcessLauncher;
import dev.ccs.core.process.ProcessTags;
import dev.ccs.core.process.ProcessSpec;
import dev.ccs.core.time.Scheduler;
import dev.ccs.core.time.Ticker;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@code claude} CLI: a {@link ClaudeRequest} becomes a command line, an environment and a
 * child process; its output becomes events and a {@link RunOutcome}. Thread-safe; one executor
 * serves any number of concurrent runs. {@link #close()} ends every live run.
 *
 * <pre>{@code
 * try (ClaudeExecutor executor = ClaudeExecutor.builder("claude").build()) {
 *   RunOutcome outcome = executor.run(ClaudeRequest.builder("Say hi", Path.of("/work")).build());
 *   System.out.println(outcome.result().result());
 * }
 * }</pre>
 */
public final class ClaudeExecutor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClaudeExecutor.class);

  private final String executable;
  private final Map<String, String> baseEnvironment;
  private final ProcessLauncher launcher;
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final ExecutorService ioThreads;
  private final boolean ownsIoThreads;
  private final Duration defaultTimeout;
  private final Duration killGrace;
  private final Duration exitGrace;
  private final Duration drainGrace;
  private final int stderrTailBytes;
  private final int maxLineBytes;
  private final Set<ClaudeRun> live = ConcurrentHashMap.newKeySet();
  /** Run ids of the interactive (warm) CLIs started by {@link #launchInteractive}, until released. */
  private final Set<String> interactive = ConcurrentHashMap.newKeySet();
  private final String owner;
  private final java.util.concurrent.atomic.AtomicBoolean sweepScheduled = new java.util.concurrent.atomic.AtomicBoolean();
  /** Processes sent SIGTERM by a sweep; a later sweep that still finds one sends SIGKILL. */
  private final Set<ProcessHandle> terminated = ConcurrentHashMap.newKeySet();
  /** How long after a run ends its leftovers are looked for. */
  private static final Duration SWEEP_DELAY = Duration.ofSeconds(2);

  private ClaudeExecutor(Builder b) {
    executable = b.executable;
    baseEnvironment = Map.copyOf(b.baseEnvironment);
    launcher = b.launcher;
    scheduler = b.scheduler;
    ticker = b.ticker;
    ownsIoThreads = b.ioThreads == null;
    ioThreads = ownsIoThreads ? Threads.perTaskExecutor("ccs-run-io", 4096) : b.ioThreads;
    defaultTimeout = b.defaultTimeout;
    killGrace = b.killGrace;
    exitGrace = b.exitGrace;
    drainGrace = b.drainGrace;
    stderrTailBytes = b.stderrTailBytes;
    maxLineBytes = b.maxLineBytes;
    owner = b.owner;
  }

  /**
   * @param executable the CLI: a command name looked up on the run's PATH, or a path
   */
  public static Builder builder(String executable) {
    return new Builder(executable);
  }

  /** The environment a run inherits from this JVM: everything but {@code CLAUDECODE}. */
  public static Map<String, String> inheritedEnvironment() {
    Map<String, String> env = new HashMap<>(System.getenv());
    // Set inside a Claude Code session; some CLI versions then refuse to start ("cannot be launched
    // inside another Claude Code session").
    env.remove("CLAUDECODE");
    return env;
  }

  /** A run that has not started yet; {@link ClaudeRun#execute()} or {@link ClaudeRun#start()} starts it. */
  public ClaudeRun newRun(ClaudeRequest request, RunListener listener) {
    return new ClaudeRun(this, Objects.requireNonNull(request, "request"), Objects.requireNonNull(listener, "listener"));
  }

  /** Runs {@code request} on the calling thread. */
  public RunOutcome run(ClaudeRequest request) {
    return newRun(request, RunListener.NONE).execute();
  }

  /** Runs {@code request} on the calling thread, passing each output line to {@code listener}. */
  public RunOutcome run(ClaudeRequest request, RunListener listener) {
    return newRun(request, listener).execute();
  }

  /** Runs whose process is alive. */
  public List<ClaudeRun> liveRuns() {
    return List.copyOf(live);
  }

  public String executable() {
    return executable;
  }

  /** The environment every run starts from (before the request's own variables). */
  public Map<String, String> baseEnvironment() {
    return baseEnvironment;
  }

  /**
   * Cancels every live run and waits for their processes to end (at most the kill grace period
   * plus a little); the executor should not be used afterwards.
   */
  @Override
  public void close() {
    List<ClaudeRun> runs = liveRuns();
    if (!runs.isEmpty()) {
      LOG.info("stopping {} running Claude CLI process(es)", runs.size());
    }
    runs.forEach(ClaudeRun::cancel);
    long deadline = ticker.read() + killGrace.plusSeconds(2).toNanos();
    for (ClaudeRun run : runs) {
      try {
        run.outcome().get(Math.max(1, deadline - ticker.read()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        LOG.warn("Claude CLI pid {} did not end in time", run.pid());
      } catch (ExecutionException e) {
        LOG.warn("Claude CLI pid {} ended with an error: {}", run.pid(), e.getCause().toString());
      } catch (InterruptedException e) {
        // Asked to stop waiting: the runs were told to end; the rest is the JVM's exit.
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (sweepScheduled.get()) {
      // Leftovers of runs that ended just before: not for the next server to find.
      sweepOrphans();
    }
    if (ownsIoThreads) {
      ioThreads.shutdown();
    }
  }

  ProcessSpec processSpec(ClaudeRequest request, String runId) {
    return new ProcessSpec(ClaudeCommand.argv(executable, request), request.workingDirectory(),
        environment(request, runId));
  }

  /** The run's environment: the base, the request's variables, and the tags its leftovers are found by. */
  private Map<String, String> environment(ClaudeRequest request, String runId) {
    Map<String, String> env = new HashMap<>(baseEnvironment);
    env.putAll(request.environment());
    // Inherited by every process of the run: how its leftovers are found (ProcessTags).
    env.put(ProcessTags.OWNER, owner);
    env.put(ProcessTags.RUN, runId);
    return env;
  }

  /**
   * Starts a CLI that stays alive and reads its prompts from stdin as stream-json lines
   * ({@link ClaudeCommand#interactiveArgv}); the request's prompt and output format are not used.
   * Its processes count as live (no orphan sweep ends them) until {@link #releaseInteractive}; the
   * caller owns the process and must end it.
   *
   * @throws IOException with a message that says why it could not start
   */
  public LaunchedProcess launchInteractive(ClaudeRequest request, String runId) throws IOException {
    ProcessSpec spec = new ProcessSpec(ClaudeCommand.interactiveArgv(executable, request), request.workingDirectory(),
        environment(request, runId));
    interactive.add(runId);
    try {
      return launcher.launch(spec);
    } catch (IOException e) {
      interactive.remove(runId);
      throw new IOException(startFailureMessage(spec, e), e);
    }
  }

  /** The interactive CLI of {@code runId} has ended: anything left with its tag is an orphan from now on. */
  public void releaseInteractive(String runId) {
    if (interactive.remove(runId)) {
      sweepSoon();
    }
  }

  /**
   * Ends processes of this owner that belong to no live run: what a CLI left running after it
   * exited, or what a previous server on the same data directory left when it crashed. SIGTERM
   * first; a process still there at the next sweep gets SIGKILL.
   *
   * @return the number of processes signalled
   */
  public int sweepOrphans() {
    Map<ProcessHandle, String> tagged = ProcessTags.ofOwner(owner);
    // Read after the scan: a run registers before its process starts, so every process found
    // either belongs to a run in this set or to none.
    java.util.Set<String> liveRuns = new java.util.HashSet<>();
    for (ClaudeRun run : live) {
      liveRuns.add(run.runId());
    }
    liveRuns.addAll(interactive);
    int signalled = 0;
    java.util.Set<ProcessHandle> still = new java.util.HashSet<>();
    for (Map.Entry<ProcessHandle, String> entry : tagged.entrySet()) {
      if (entry.getValue() == null || liveRuns.contains(entry.getValue())) {
        continue; // a live run's, or not attributable to any run: not ours to end
      }
      ProcessHandle handle = entry.getKey();
      boolean force = terminated.contains(handle);
      LOG.info("ending process {} left behind by Claude CLI run {}{}", handle.pid(), entry.getValue(),
          force ? " (SIGKILL)" : "");
      if (force ? handle.destroyForcibly() : handle.destroy()) {
        signalled++;
      }
      still.add(handle);
    }
    terminated.retainAll(still);
    terminated.addAll(still);
    if (!still.isEmpty()) {
      sweepSoon();
    }
    return signalled;
  }

  /**
   * Ends every process of this owner that belongs to no live run and waits until they are gone:
   * SIGTERM, then SIGKILL after {@code grace}. For start-up, before anything is run again.
   *
   * @return how many processes were ended
   */
  public int killOrphans(Duration grace) {
    Map<ProcessHandle, String> tagged = ProcessTags.ofOwner(owner);
    java.util.Set<String> liveRuns = new java.util.HashSet<>();
    for (ClaudeRun run : live) {
      liveRuns.add(run.runId());
    }
    liveRuns.addAll(interactive);
    List<ProcessHandle> orphans = new java.util.ArrayList<>();
    for (Map.Entry<ProcessHandle, String> entry : tagged.entrySet()) {
      if (entry.getValue() != null && !liveRuns.contains(entry.getValue())) {
        orphans.add(entry.getKey());
        entry.getKey().destroy();
      }
    }
    long deadline = ticker.read() + grace.toNanos();
    for (ProcessHandle orphan : orphans) {
      if (!dev.ccs.core.process.Processes.awaitExit(orphan, Duration.ofNanos(Math.max(1, deadline - ticker.read())))) {
        orphan.destroyForcibly();
        dev.ccs.core.process.Processes.awaitExit(orphan, Duration.ofSeconds(5));
      }
    }
    return orphans.size();
  }

  /** Schedules one sweep a little later (several runs ending close together share it). */
  void sweepSoon() {
    if (ProcessTags.available() && sweepScheduled.compareAndSet(false, true)) {
      scheduler.schedule(SWEEP_DELAY, () -> {
        sweepScheduled.set(false);
        try {
          ioThreads.execute(this::sweepOrphans);
        } catch (java.util.concurrent.RejectedExecutionException e) {
          // Closed meanwhile; its close swept.
        }
      });
    }
  }

  public String owner() {
    return owner;
  }

  /** Masks the values of the secret variables the request's processes get. */
  public Redactor redactor(ClaudeRequest request) {
    Map<String, String> env = new HashMap<>(baseEnvironment);
    env.putAll(request.environment());
    return Redactor.forEnvironment(env);
  }

  String startFailureMessage(ProcessSpec spec, IOException e) {
    if (e instanceof NoSuchFileException) {
      return ClaudeCli.notFoundMessage(executable, spec.environment().get("PATH"));
    }
    if (!java.nio.file.Files.isDirectory(spec.workingDirectory())) {
      return "cannot start Claude CLI: working directory " + spec.workingDirectory() + " does not exist";
    }
    return "cannot start Claude CLI \"" + executable + "\": " + e.getMessage();
  }

  void register(ClaudeRun run) {
    live.add(run);
  }

  void unregister(ClaudeRun run) {
    live.remove(run);
  }

  ProcessLauncher launcher() { return launcher; }
  Scheduler scheduler() { return scheduler; }
  Ticker ticker() { return ticker; }
  ExecutorService ioThreads() { return ioThreads; }
  /** Limit of a run whose request sets none. */
  public Duration defaultTimeout() { return defaultTimeout; }
  /** Between SIGTERM and SIGKILL. */
  public Duration killGrace() { return killGrace; }
  Duration exitGrace() { return exitGrace; }
  Duration drainGrace() { return drainGrace; }
  public int stderrTailBytes() { return stderrTailBytes; }
  public int maxLineBytes() { return maxLineBytes; }

  /** Builder of {@link ClaudeExecutor}. */
  public static final class Builder {
    private final String executable;
    private Map<String, String> baseEnvironment = inheritedEnvironment();
    private ProcessLauncher launcher = ProcessLauncher.system();
    private Scheduler scheduler = Scheduler.system();
    private Ticker ticker = Ticker.system();
    private ExecutorService ioThreads;
    private Duration defaultTimeout = Duration.ofMinutes(5);
    private Duration killGrace = Duration.ofSeconds(5);
    private Duration exitGrace = Duration.ofSeconds(10);
    private Duration drainGrace = Duration.ofSeconds(2);
    private int stderrTailBytes = 16 * 1024;
    private int maxLineBytes = 64 * 1024 * 1024;
    private String owner = "ccs-" + java.util.UUID.randomUUID();

    private Builder(String executable) {
      this.executable = Objects.requireNonNull(executable, "executable");
    }

    /** The environment every run starts from; default {@link #inheritedEnvironment()}. */
    public Builder baseEnvironment(Map<String, String> value) {
      baseEnvironment = Map.copyOf(value);
      return this;
    }

    public Builder launcher(ProcessLauncher value) {
      launcher = Objects.requireNonNull(value);
      return this;
    }

    public Builder scheduler(Scheduler value) {
      scheduler = Objects.requireNonNull(value);
      return this;
    }

    public Builder ticker(Ticker value) {
      ticker = Objects.requireNonNull(value);
      return this;
    }

    /** Threads that read pipes and run {@link ClaudeRun#start()}; default: virtual threads on 21+. */
    public Builder ioThreads(ExecutorService value) {
      ioThreads = Objects.requireNonNull(value);
      return this;
    }

    /** Limit of a run whose request sets none; default 5 minutes. */
    public Builder defaultTimeout(Duration value) {
      defaultTimeout = positive(value, "defaultTimeout");
      return this;
    }

    /** Between SIGTERM and SIGKILL; default 5 seconds. */
    public Builder killGrace(Duration value) {
      killGrace = positive(value, "killGrace");
      return this;
    }

    /** How long the CLI may linger after printing its result; default 10 seconds. */
    public Builder exitGrace(Duration value) {
      exitGrace = positive(value, "exitGrace");
      return this;
    }

    /**
     * How long the pipes may stay open after the CLI exited (a process it started holds them);
     * default 2 seconds.
     */
    public Builder drainGrace(Duration value) {
      drainGrace = positive(value, "drainGrace");
      return this;
    }

    /** Bytes of stderr kept for diagnostics; default 16 KiB. */
    public Builder stderrTailBytes(int value) {
      if (value < 256) {
        throw new IllegalArgumentException("stderrTailBytes must be >= 256, was " + value);
      }
      stderrTailBytes = value;
      return this;
    }

    /** Longest output line kept whole; default 64 MiB. */
    public Builder maxLineBytes(int value) {
      if (value < 64 * 1024) {
        throw new IllegalArgumentException("maxLineBytes must be >= 65536, was " + value);
      }
      maxLineBytes = value;
      return this;
    }

    /**
     * The {@code CCS_OWNER} tag of this executor's processes (default: random). Executors with the
     * same tag (one data directory, before and after a restart) find each other's leftovers.
     */
    public Builder owner(String value) {
      if (value == null || value.isBlank() || value.contains("\0")) {
        throw new IllegalArgumentException("owner must be a non-blank string, was " + value);
      }
      owner = value;
      return this;
    }

    public ClaudeExecutor build() {
      return new ClaudeExecutor(this);
    }

    private static Duration positive(Duration value, String name) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }
  }
}
