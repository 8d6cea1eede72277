package dev.ccs.core.config;

import java.time.Duration;

/**
 * Usage statistics.
 *
 * @param enabled config {@code statistics.enabled}
 * @param collectionInterval config {@code statistics.collectionInterval} (milliseconds)
 */
public record StatisticsConfig(boolean enabled, Duration collectionInterval) {

  public static final StatisticsConfig DEFAULT = new StatisticsConfig(true, Duration.ofMinutes(1));

  public StatisticsConfig {
    Checks.positive("statistics.collectionInterval", collectionInterval);
  }
}
