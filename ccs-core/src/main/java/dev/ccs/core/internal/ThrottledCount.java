package dev.ccs.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * Counts something that may happen on every request (a record removed to stay within a bound) and
 * logs the count at most once per period, so that a server at its bounds logs a line a minute, not
 * one per request. The first count is logged at once.
 */
public final class ThrottledCount {

  private final Logger log;
  private final String message;
  private final Clock clock;
  private final Duration period;
  private long count;
  private Instant loggedAt;

  /** @param message an SLF4J message with one {@code {}} for the count */
  public ThrottledCount(Logger log, String message, Clock clock, Duration period) {
    this.log = log;
    this.message = message;
    this.clock = clock;
    this.period = period;
  }

  public synchronized void add(long n) {
    if (n <= 0) {
      return;
    }
    count += n;
    Instant now = clock.instant();
    if (loggedAt == null || !now.isBefore(loggedAt.plus(period))) {
      log.info(message, count);
      count = 0;
      loggedAt = now;
    }
  }
}
