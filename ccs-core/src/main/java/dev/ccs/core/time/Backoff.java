package dev.ccs.core.time;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: {@code base}, doubled for each further failure, at most
 * {@code max}, and each wait drawn between half and all of that, so that retries of many clients
 * that failed together spread out instead of arriving together again.
 */
public record Backoff(Duration base, Duration max) {

  /** The wait after the {@code failures}-th failure in a row (1 for the first). */
  public Duration after(int failures) {
    long full = Math.min(max.toMillis(), base.toMillis() << Math.min(20, Math.max(0, failures - 1)));
    return Duration.ofMillis(full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1));
  }
}
