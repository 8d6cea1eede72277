package dev.ccs.core.balance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Which provider each session is on. A binding is refreshed by every run of its session and ends
 * when the session has been idle for {@code bindingTtl} (never while a run of it is in flight), or
 * when its provider is disabled or gone. Guarded by the {@link LoadBalancer} that owns it, except
 * for the reads that say so.
 */
final class Bindings {

  private static final class Binding {
    final String providerId;
    Instant lastUsed;
    int inUse;

    Binding(String providerId, Instant lastUsed) {
      this.providerId = providerId;
      this.lastUsed = lastUsed;
    }
  }

  private final Map<UUID, Binding> bindings = new ConcurrentHashMap<>();
  private final Duration ttl;
  private final Clock clock;
  private Instant lastSweep;

  Bindings(Duration ttl, Clock clock) {
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The session's provider if its binding is live; a dead binding is dropped. */
  String live(UUID sessionId, Predicate<String> usable) {
    Binding binding = bindings.get(sessionId);
    if (binding == null) {
      return null;
    }
    if (expired(binding, clock.instant()) || !usable.test(binding.providerId)) {
      bindings.remove(sessionId);
      return null;
    }
    return binding.providerId;
  }

  /** A binding as stored with a session, unless it has expired since. */
  void restore(UUID sessionId, String providerId, Instant lastUsed) {
    Binding binding = new Binding(providerId, lastUsed);
    if (!expired(binding, clock.instant())) {
      bindings.put(sessionId, binding);
    }
  }

  /** Binds the session to {@code providerId}, dropping idle bindings past their time first. */
  void bind(UUID sessionId, String providerId) {
    sweep();
    bindings.put(sessionId, new Binding(providerId, clock.instant()));
  }

  /** A run of the session starts: its binding, if any, is in use and refreshed. */
  void acquire(UUID sessionId) {
    Binding binding = bindings.get(sessionId);
    if (binding != null) {
      binding.lastUsed = clock.instant();
      binding.inUse++;
    }
  }

  /** A run of the session ended. */
  void release(UUID sessionId) {
    Binding binding = bindings.get(sessionId);
    if (binding != null) {
      binding.inUse = Math.max(0, binding.inUse - 1);
      binding.lastUsed = clock.instant();
    }
  }

  /** The provider the session is bound to (live or not yet dropped), or null. */
  String providerOf(UUID sessionId) {
    Binding binding = bindings.get(sessionId);
    return binding == null ? null : binding.providerId;
  }

  /** Drops the bindings to {@code providerId} that no run is using (its provider was disabled). */
  void dropIdle(String providerId) {
    bindings.values().removeIf(b -> b.providerId.equals(providerId) && b.inUse == 0);
  }

  /** The live bindings, session to provider. */
  Map<UUID, String> snapshot() {
    Instant now = clock.instant();
    Map<UUID, String> result = new LinkedHashMap<>();
    bindings.forEach((session, b) -> {
      if (!expired(b, now)) {
        result.put(session, b.providerId);
      }
    });
    return result;
  }

  /** Live bindings per provider. */
  Map<String, Integer> countByProvider() {
    Instant now = clock.instant();
    Map<String, Integer> counts = new LinkedHashMap<>();
    bindings.values().forEach(b -> {
      if (!expired(b, now)) {
        counts.merge(b.providerId, 1, Integer::sum);
      }
    });
    return counts;
  }

  /** Bindings held (live or not yet dropped); safe to read without the owner's lock. */
  int size() {
    return bindings.size();
  }

  private boolean expired(Binding binding, Instant now) {
    return binding.inUse == 0 && !now.isBefore(binding.lastUsed.plus(ttl));
  }

  /**
   * Drops idle bindings past their time, at most once per {@code bindingTtl}: sessions that are
   * never used again (or were deleted) do not keep theirs for ever.
   */
  private void sweep() {
    Instant now = clock.instant();
    if (lastSweep != null && now.isBefore(lastSweep.plus(ttl))) {
      return;
    }
    lastSweep = now;
    bindings.values().removeIf(b -> expired(b, now));
  }
}
