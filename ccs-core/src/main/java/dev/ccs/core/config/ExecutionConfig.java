package dev.ccs.core.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the {@code claude} CLI is run. Not in the Node server's config; every key has a default.
 *
 * @param timeout wall-clock limit of a synchronous or streamed run, config {@code execution.timeout}
 *     (milliseconds); tasks use {@code taskQueue.defaultTimeout}
 * @param killGracePeriod time between SIGTERM and SIGKILL when a run is cancelled or times out,
 *     config {@code execution.killGracePeriod} (milliseconds)
 * @param maxRetries value of {@code CLAUDE_CODE_MAX_RETRIES} for every run, or null to keep the
 *     CLI's default (10 retries, up to about 3 minutes on a dead endpoint), config
 *     {@code execution.maxRetries}
 * @param inheritEnv whether runs inherit the server's environment (minus {@code CLAUDECODE}),
 *     config {@code execution.inheritEnv}
 * @param env extra environment of every run, config {@code execution.env}; values are never logged
 * @param maxConcurrentRuns CLI processes of synchronous and streamed turns running at once (queued
 *     tasks have {@code taskQueue.concurrency}), config {@code execution.maxConcurrentRuns}
 * @param maxWaitingRuns turns accepted but not yet running (waiting for their session's previous
 *     turn or for a free run), config {@code execution.maxWaitingRuns}; beyond it a turn is refused
 *     with 503
 * @param runWaitTimeout longest a turn waits for a free run once its session is free, config
 *     {@code execution.runWaitTimeout} (milliseconds); it is then refused with 503
 * @param maxWaitingTurnsPerSession turns of one session waiting behind its running turn, config
 *     {@code execution.maxWaitingTurnsPerSession}; beyond it a turn is refused with 429
 * @param maxOutputLineBytes longest CLI output line kept whole, config
 *     {@code execution.maxOutputLineBytes}; longer lines are cut (and then not parsed)
 */
public record ExecutionConfig(Duration timeout, Duration killGracePeriod, Integer maxRetries,
    boolean inheritEnv, Map<String, String> env, int maxConcurrentRuns, int maxWaitingRuns, Duration runWaitTimeout,
    int maxWaitingTurnsPerSession, int maxOutputLineBytes) {

  public static final ExecutionConfig DEFAULT = new ExecutionConfig(Duration.ofMinutes(5), Duration.ofSeconds(5),
      null, true, Map.of(), 16, 64, Duration.ofSeconds(30), 32, 4 * 1024 * 1024);

  /** A config with the given limits and the other defaults. */
  public static ExecutionConfig of(Duration timeout, Duration killGracePeriod) {
    return DEFAULT.toBuilder().timeout(timeout).killGracePeriod(killGracePeriod).build();
  }

  public ExecutionConfig {
    Checks.positive("execution.timeout", timeout);
    Checks.positive("execution.killGracePeriod", killGracePeriod);
    if (maxRetries != null) {
      Checks.range("execution.maxRetries", maxRetries, 0, 100);
    }
    env = Map.copyOf(Objects.requireNonNull(env, "execution.env"));
    Checks.range("execution.maxConcurrentRuns", maxConcurrentRuns, 1, 10_000);
    Checks.range("execution.maxWaitingRuns", maxWaitingRuns, 0, 1_000_000);
    Checks.positive("execution.runWaitTimeout", runWaitTimeout);
    Checks.range("execution.maxWaitingTurnsPerSession", maxWaitingTurnsPerSession, 0, 1_000_000);
    Checks.range("execution.maxOutputLineBytes", maxOutputLineBytes, 64 * 1024, 1024 * 1024 * 1024);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public String toString() {
    return "ExecutionConfig[timeout=" + timeout + ", killGracePeriod=" + killGracePeriod
        + ", maxRetries=" + maxRetries + ", inheritEnv=" + inheritEnv + ", env=" + env.keySet()
        + ", maxConcurrentRuns=" + maxConcurrentRuns + ", maxWaitingRuns=" + maxWaitingRuns
        + ", runWaitTimeout=" + runWaitTimeout + ", maxWaitingTurnsPerSession=" + maxWaitingTurnsPerSession
        + ", maxOutputLineBytes=" + maxOutputLineBytes + "]";
  }

  /** Copies a config with some values changed; {@link #build()} validates like the constructor. */
  public static final class Builder {
    private Duration timeout;
    private Duration killGracePeriod;
    private Integer maxRetries;
    private boolean inheritEnv;
    private Map<String, String> env;
    private int maxConcurrentRuns;
    private int maxWaitingRuns;
    private Duration runWaitTimeout;
    private int maxWaitingTurnsPerSession;
    private int maxOutputLineBytes;

    private Builder(ExecutionConfig c) {
      timeout = c.timeout;
      killGracePeriod = c.killGracePeriod;
      maxRetries = c.maxRetries;
      inheritEnv = c.inheritEnv;
      env = c.env;
      maxConcurrentRuns = c.maxConcurrentRuns;
      maxWaitingRuns = c.maxWaitingRuns;
      runWaitTimeout = c.runWaitTimeout;
      maxWaitingTurnsPerSession = c.maxWaitingTurnsPerSession;
      maxOutputLineBytes = c.maxOutputLineBytes;
    }

    public Builder timeout(Duration value) { timeout = value; return this; }
    public Builder killGracePeriod(Duration value) { killGracePeriod = value; return this; }
    public Builder maxRetries(Integer value) { maxRetries = value; return this; }
    public Builder inheritEnv(boolean value) { inheritEnv = value; return this; }
    public Builder env(Map<String, String> value) { env = value; return this; }
    public Builder maxConcurrentRuns(int value) { maxConcurrentRuns = value; return this; }
    public Builder maxWaitingRuns(int value) { maxWaitingRuns = value; return this; }
    public Builder runWaitTimeout(Duration value) { runWaitTimeout = value; return this; }
    public Builder maxWaitingTurnsPerSession(int value) { maxWaitingTurnsPerSession = value; return this; }
    public Builder maxOutputLineBytes(int value) { maxOutputLineBytes = value; return this; }

    public ExecutionConfig build() {
      return new ExecutionConfig(timeout, killGracePeriod, maxRetries, inheritEnv, env, maxConcurrentRuns,
          maxWaitingRuns, runWaitTimeout, maxWaitingTurnsPerSession, maxOutputLineBytes);
    }
  }
}
