package dev.ccs.core.config;

import java.time.Duration;

/**
 * Usage statistics.
 *
 * @param enabled config {@code statistics.enabled}
 * @param collectionInterval how often the counts are saved, config {@code statistics.collectionInterval}
 *     (milliseconds; what a crash loses meanwhile is counted again from the histories)
 * @param retentionDays how many UTC days of daily counts are kept, config {@code statistics.retentionDays}
 */
public record StatisticsConfig(boolean enabled, Duration collectionInterval, int retentionDays) {

  public static final StatisticsConfig DEFAULT = new StatisticsConfig(true, Duration.ofMinutes(1), 400);

  public StatisticsConfig {
    Checks.positive("statistics.collectionInterval", collectionInterval);
    Checks.range("statistics.retentionDays", retentionDays, 1, 100_000);
  }
}
