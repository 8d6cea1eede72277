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
 */
public record ExecutionConfig(Duration timeout, Duration killGracePeriod, Integer maxRetries,
    boolean inheritEnv, Map<String, String> env) {

  public static final ExecutionConfig DEFAULT =
      new ExecutionConfig(Duration.ofMinutes(5), Duration.ofSeconds(5), null, true, Map.of());

  /** A config with the given limits and the other defaults. */
  public static ExecutionConfig of(Duration timeout, Duration killGracePeriod) {
    return new ExecutionConfig(timeout, killGracePeriod, null, true, Map.of());
  }

  public ExecutionConfig {
    Checks.positive("execution.timeout", timeout);
    Checks.positive("execution.killGracePeriod", killGracePeriod);
    if (maxRetries != null) {
      Checks.range("execution.maxRetries", maxRetries, 0, 100);
    }
    env = Map.copyOf(Objects.requireNonNull(env, "execution.env"));
  }

  @Override
  public String toString() {
    return "ExecutionConfig[timeout=" + timeout + ", killGracePeriod=" + killGracePeriod
        + ", maxRetries=" + maxRetries + ", inheritEnv=" + inheritEnv + ", env=" + env.keySet() + "]";
  }
}
