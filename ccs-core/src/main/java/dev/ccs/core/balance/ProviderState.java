package dev.ccs.core.balance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.time.Instant;

/**
 * What the balancer keeps about a provider across restarts and config reloads: the operator's
 * runtime enable or disable, its breaker, its counters.
 *
 * @param id the provider id
 * @param enabledOverride set by {@code enable}/{@code disable} at run time (wins over the config's
 *     {@code enabled}), or null
 * @param breaker where its breaker was
 * @param totalRequests runs that reported an outcome
 * @param totalFailures of those, the ones that failed because of the provider
 * @param lastError the last provider failure, redacted, or null
 * @param lastErrorAt when it happened, or null
 * @param lastUsedAt when a run last started on it, or null
 */
public record ProviderState(String id, Boolean enabledOverride, CircuitBreaker.Snapshot breaker, long totalRequests,
    long totalFailures, String lastError, Instant lastErrorAt, Instant lastUsedAt) {

  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("id", id);
    if (enabledOverride != null) {
      node.put("enabled_override", enabledOverride);
    }
    node.put("state", breaker.state().wireName());
    node.put("consecutive_failures", breaker.consecutiveFailures());
    putInstant(node, "opened_at", breaker.openedAt());
    node.put("total_requests", totalRequests);
    node.put("total_failures", totalFailures);
    node.put("last_error", lastError);
    putInstant(node, "last_error_at", lastErrorAt);
    putInstant(node, "last_used_at", lastUsedAt);
    return node;
  }

  /** @throws IllegalArgumentException for JSON that is not a provider state */
  public static ProviderState fromJson(JsonNode node) {
    try {
      CircuitBreaker.State state = CircuitBreaker.State.valueOf(node.path("state").asText("closed")
          .toUpperCase(java.util.Locale.ROOT));
      return new ProviderState(node.get("id").asText(),
          node.hasNonNull("enabled_override") ? node.get("enabled_override").asBoolean() : null,
          new CircuitBreaker.Snapshot(state, node.path("consecutive_failures").asInt(0), instant(node, "opened_at")),
          node.path("total_requests").asLong(0), node.path("total_failures").asLong(0),
          node.hasNonNull("last_error") ? node.get("last_error").asText() : null, instant(node, "last_error_at"),
          instant(node, "last_used_at"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a provider state: " + e.getMessage(), e);
    }
  }

  private static void putInstant(ObjectNode node, String name, Instant value) {
    node.put(name, value == null ? null : value.toString());
  }

  private static Instant instant(JsonNode node, String name) {
    return node.hasNonNull(name) ? Instant.parse(node.get(name).asText()) : null;
  }
}
