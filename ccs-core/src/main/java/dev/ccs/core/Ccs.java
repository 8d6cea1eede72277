package dev.ccs.core;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.exec.ClaudeExecutor;
import dev.ccs.core.exec.ClaudeRequest;
import dev.ccs.core.exec.CliMonitor;
import dev.ccs.core.exec.CliStatus;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.message.MessageRequest;
import dev.ccs.core.message.MessageResult;
import dev.ccs.core.money.Usd;
import dev.ccs.core.process.ProcessLauncher;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.run.RunPolicy;
import dev.ccs.core.time.Scheduler;
import dev.ccs.core.time.Ticker;
import dev.ccs.core.workspace.ProjectRoots;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ccs engine: one object that an application embeds, and that the HTTP server and the examples
 * drive. Thread-safe. Build it from a {@link CcsConfig}; {@link #close()} ends every running CLI
 * process.
 *
 * <pre>{@code
 * CcsConfig config = ConfigLoader.load(ConfigLoader.defaultConfigFile(), System.getenv()).config();
 * try (Ccs ccs = Ccs.builder(config).build()) {
 *   MessageResult answer = ccs.send(MessageRequest.of("Summarise README.md"));
 *   System.out.println(answer.result() + " ($" + answer.costUsd() + ")");
 * }
 * }</pre>
 */
public final class Ccs implements AutoCloseable {

  private final CcsConfig config;
  private final Clock clock;
  private final ClaudeExecutor executor;
  private final CliMonitor cli;
  private final ProjectRoots projectRoots;
  private final RunPolicy policy;
  private final Instant startedAt;
  /** Last running cost total per CLI session, to turn the CLI's totals into per-run costs. */
  private final Map<UUID, BigDecimal> lastTotals = new ConcurrentHashMap<>();

  private Ccs(Builder b) {
    config = b.config;
    clock = b.clock;
    Map<String, String> environment = runEnvironment(config, b.environment);
    executor = ClaudeExecutor.builder(config.claudePath())
        .baseEnvironment(environment)
        .launcher(b.launcher)
        .owner(ownerTag(config))
        .scheduler(b.scheduler)
        .ticker(b.ticker)
        .defaultTimeout(config.execution().timeout())
        .killGrace(config.execution().killGracePeriod())
        .build();
    cli = new CliMonitor(config.claudePath(), environment, clock);
    projectRoots = new ProjectRoots(config.projectRoots());
    policy = new RunPolicy(config);
    startedAt = clock.instant();
  }

  public static Builder builder(CcsConfig config) {
    return new Builder(config);
  }

  /**
   * The environment of every run: the server's own (if {@code execution.inheritEnv}), PATH with
   * {@code nodeBinDir} in front, auto-updates off, {@code execution.maxRetries} and
   * {@code execution.env}.
   */
  static Map<String, String> runEnvironment(CcsConfig config, Map<String, String> processEnvironment) {
    Map<String, String> env = new HashMap<>();
    if (config.execution().inheritEnv()) {
      env.putAll(processEnvironment);
    } else {
      for (String name : new String[] {"PATH", "HOME", "LANG", "TMPDIR", "USER"}) {
        if (processEnvironment.containsKey(name)) {
          env.put(name, processEnvironment.get(name));
        }
      }
    }
    // Set inside a Claude Code session; some CLI versions then refuse to start.
    env.remove("CLAUDECODE");
    if (config.nodeBinDir() != null) {
      String path = env.get("PATH");
      env.put("PATH", config.nodeBinDir() + (path == null || path.isEmpty() ? "" : ":" + path));
    }
    // A server must not have its CLI replaced under running sessions.
    env.putIfAbsent("DISABLE_AUTOUPDATER", "1");
    if (config.execution().maxRetries() != null) {
      env.put("CLAUDE_CODE_MAX_RETRIES", config.execution().maxRetries().toString());
    }
    env.putAll(config.execution().env());
    return env;
  }

  /**
   * The tag of this instance's processes: the same for every server on this data directory, so a
   * server restarted after a crash finds and ends what the previous one left running.
   */
  static String ownerTag(CcsConfig config) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(config.dataDir().toAbsolutePath().normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "ccs-" + java.util.HexFormat.of().formatHex(digest, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public CcsConfig config() {
    return config;
  }

  public Clock clock() {
    return clock;
  }

  public Instant startedAt() {
    return startedAt;
  }

  /** Whether the CLI can be run, and its version. */
  public CliStatus cliStatus() {
    return cli.status();
  }

  /** The executor, for running requests built by hand. */
  public ClaudeExecutor executor() {
    return executor;
  }

  public ProjectRoots projectRoots() {
    return projectRoots;
  }

  /**
   * Sends one prompt and waits for the answer.
   *
   * @throws CcsException.InvalidRequest, CcsException.PathNotAllowed, CcsException.Forbidden for
   *     requests the server refuses (nothing runs)
   * @throws CcsException.CliUnavailable when the CLI cannot be started
   * @throws RunFailedException when the CLI ran but failed or timed out (with what it cost)
   */
  public MessageResult send(MessageRequest request) {
    Path workDir = projectRoots.resolve(request.projectPath());
    UUID sessionId = request.sessionId() != null ? request.sessionId() : UUID.randomUUID();
    ClaudeRequest.Builder builder = policy.plan(request.prompt(), workDir, request.options(), null);
    if (request.sessionId() != null) {
      builder.resumeSession(sessionId);
    } else {
      builder.newSession(sessionId);
    }
    RunOutcome outcome = executor.run(builder.build());
    BigDecimal cost = recordCost(sessionId, outcome.result());
    return answer(outcome, cost, sessionId.toString());
  }

  private BigDecimal recordCost(UUID sessionId, ResultMessage result) {
    if (result == null || result.totalCostUsd() == null) {
      return BigDecimal.ZERO;
    }
    BigDecimal previous = lastTotals.put(sessionId, result.totalCostUsd());
    return Usd.nonNegativeDifference(result.totalCostUsd(), previous);
  }

  private MessageResult answer(RunOutcome outcome, BigDecimal cost, String sessionId) {
    if (outcome.status() == RunStatus.START_FAILED) {
      cli.invalidate();
      throw new CcsException.CliUnavailable(outcome.message());
    }
    if (outcome.status() == RunStatus.CANCELLED) {
      throw new CcsException.Unavailable("the run was cancelled (the server is stopping)");
    }
    if (!outcome.succeeded()) {
      throw new RunFailedException(outcome, cost, sessionId);
    }
    ResultMessage result = outcome.result();
    return new MessageResult(result.result(), outcome.duration(), cost, sessionId, result.usage(),
        result.numTurns(), result.model(), result);
  }

  /** Ends every running CLI process (SIGTERM, then SIGKILL after the grace period). */
  @Override
  public void close() {
    executor.close();
  }

  /** Builder of {@link Ccs}; only the config is required. */
  public static final class Builder {
    private final CcsConfig config;
    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler = Scheduler.system();
    private Ticker ticker = Ticker.system();
    private ProcessLauncher launcher = ProcessLauncher.system();
    private Map<String, String> environment = System.getenv();

    private Builder(CcsConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** Wall clock for timestamps and retention; default UTC system clock. */
    public Builder clock(Clock value) {
      clock = Objects.requireNonNull(value);
      return this;
    }

    /** Timeouts, grace periods, retries; default a shared daemon thread. */
    public Builder scheduler(Scheduler value) {
      scheduler = Objects.requireNonNull(value);
      return this;
    }

    public Builder ticker(Ticker value) {
      ticker = Objects.requireNonNull(value);
      return this;
    }

    public Builder launcher(ProcessLauncher value) {
      launcher = Objects.requireNonNull(value);
      return this;
    }

    /**
     * The environment runs inherit (when {@code execution.inheritEnv}); default this process's.
     * Tests pass a clean one.
     */
    public Builder environment(Map<String, String> value) {
      environment = Map.copyOf(value);
      return this;
    }

    public Ccs build() {
      return new Ccs(this);
    }
  }

}
