package dev.ccs.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How runs are spread over {@code providers}.
 *
 * @param strategy {@code round-robin} or {@code weighted}, config {@code loadBalance.strategy}
 * @param failover move a session off an unhealthy provider, config {@code loadBalance.failover}
 * @param failureThreshold consecutive failures that make a provider unhealthy
 * @param bindingTtl how long a session stays on its provider after its last use
 *     (config {@code loadBalance.bindingTtl}, milliseconds)
 * @param recoveryTimeout how long an unhealthy provider rests before it is tried again
 *     (config {@code loadBalance.recoveryTimeout}, seconds)
 */
public record LoadBalanceConfig(String strategy, boolean failover, int failureThreshold,
    Duration bindingTtl, Duration recoveryTimeout) {

  public static final LoadBalanceConfig DEFAULT = new LoadBalanceConfig("round-robin", false, 3,
      Duration.ofMinutes(30), Duration.ofSeconds(60));

  public LoadBalanceConfig {
    Objects.requireNonNull(strategy, "loadBalance.strategy");
    if (!strategy.equals("round-robin") && !strategy.equals("weighted")) {
      throw new IllegalArgumentException("\"loadBalance.strategy\" is \"" + strategy
          + "\"; allowed: \"round-robin\" or \"weighted\"");
    }
    Checks.range("loadBalance.failureThreshold", failureThreshold, 1, 1000);
    Checks.positive("loadBalance.bindingTtl", bindingTtl);
    Checks.positive("loadBalance.recoveryTimeout", recoveryTimeout);
  }
}
