package dev.ccs.core.config;

import java.time.Duration;

/**
 * Request rate limit of the HTTP API per client.
 *
 * @param enabled config {@code rateLimit.enabled}
 * @param window config {@code rateLimit.windowMs}
 * @param maxRequests requests allowed per window, config {@code rateLimit.maxRequests}
 */
public record RateLimitConfig(boolean enabled, Duration window, int maxRequests) {

  public static final RateLimitConfig DEFAULT = new RateLimitConfig(true, Duration.ofMinutes(1), 100);

  public RateLimitConfig {
    Checks.positive("rateLimit.windowMs", window);
    Checks.range("rateLimit.maxRequests", maxRequests, 1, Integer.MAX_VALUE);
  }
}
