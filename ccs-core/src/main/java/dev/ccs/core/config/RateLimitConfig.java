package dev.ccs.core.config;

import java.time.Duration;

/**
 * Request rate limits of the HTTP API: a token bucket per API key (per client address when
 * authentication is off), and before authentication a looser one per client address, so that
 * guessing keys is throttled too.
 *
 * @param enabled config {@code rateLimit.enabled}
 * @param window config {@code rateLimit.windowMs}
 * @param maxRequests requests allowed per window, config {@code rateLimit.maxRequests}
 * @param burst requests allowed at once, config {@code rateLimit.burst} (default {@code maxRequests})
 * @param perAddressMaxRequests requests per window from one client address before authentication,
 *     config {@code rateLimit.perAddressMaxRequests} (default 4 × {@code maxRequests}); a refused
 *     key costs two
 */
public record RateLimitConfig(boolean enabled, Duration window, int maxRequests, int burst, int perAddressMaxRequests) {

  public static final RateLimitConfig DEFAULT = new RateLimitConfig(true, Duration.ofMinutes(1), 100);
  /** No limits. */
  public static final RateLimitConfig OFF = new RateLimitConfig(false, Duration.ofMinutes(1), 100);

  public RateLimitConfig(boolean enabled, Duration window, int maxRequests) {
    this(enabled, window, maxRequests, maxRequests, defaultPerAddress(maxRequests));
  }

  public RateLimitConfig {
    Checks.positive("rateLimit.windowMs", window);
    Checks.range("rateLimit.maxRequests", maxRequests, 1, Integer.MAX_VALUE);
    Checks.range("rateLimit.burst", burst, 1, Integer.MAX_VALUE);
    Checks.range("rateLimit.perAddressMaxRequests", perAddressMaxRequests, 1, Integer.MAX_VALUE);
  }

  static int defaultPerAddress(int maxRequests) {
    return (int) Math.min(Integer.MAX_VALUE, 4L * maxRequests);
  }
}
