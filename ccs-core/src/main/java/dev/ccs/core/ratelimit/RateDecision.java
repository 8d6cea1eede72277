package dev.ccs.core.ratelimit;

import java.time.Duration;

/**
 * What a {@link RateLimiter} said about one request, with what the IETF {@code RateLimit-*} headers
 * report.
 *
 * @param allowed whether the request may go on
 * @param limit the bucket's size: requests allowed at once
 * @param remaining requests allowed right now after this one
 * @param reset until the bucket is full again
 * @param retryAfter until the next request would be allowed (zero when allowed)
 */
public record RateDecision(boolean allowed, long limit, long remaining, Duration reset, Duration retryAfter) {
}
