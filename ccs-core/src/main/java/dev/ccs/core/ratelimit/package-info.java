/**
 * Request rate limits: a token bucket per key ({@link RateLimiter}) whose memory stays bounded under
 * a flood of distinct keys.
 */
package dev.ccs.core.ratelimit;
