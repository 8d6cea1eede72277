package dev.ccs.core.balance;

import java.time.Instant;

/**
 * A provider as the status endpoints show it: nothing secret (no key, no env, no base URL, which
 * may carry credentials).
 *
 * @param enabled whether runs may use it now
 * @param enabledBy {@code "config"}, or {@code "runtime"} when an operator's enable or disable holds
 * @param retryAt when an open breaker lets a probe through, or null
 * @param lastError the last provider failure, redacted, or null
 */
public record ProviderStatus(String id, String name, int weight, boolean enabled, String enabledBy,
    CircuitBreaker.State state, int consecutiveFailures, long totalRequests, long totalFailures, int boundSessions,
    String lastError, Instant lastErrorAt, Instant lastUsedAt, Instant retryAt) {

  /** The Node server's meaning of healthy: the breaker lets runs through. */
  public boolean healthy() {
    return state == CircuitBreaker.State.CLOSED;
  }
}
