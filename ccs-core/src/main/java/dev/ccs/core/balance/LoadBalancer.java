package dev.ccs.core.balance;

import dev.ccs.core.config.LoadBalanceConfig;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.exec.RunOutcome;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses the provider of each run and learns from its outcome. A session stays on the provider it
 * was given (its binding, refreshed on use; {@code bindingTtl} ends an idle binding, never one in
 * use). New sessions are spread by smooth weighted round-robin ({@code strategy: weighted}) or in
 * turn ({@code round-robin}) over the providers whose {@link CircuitBreaker} lets runs through; only
 * when none does is an open one tried. With {@code failover}, a session whose provider is open runs
 * on another one until its own recovers. Without providers, runs use the CLI's own credentials.
 * Thread-safe.
 */
public final class LoadBalancer {

  /**
   * A run's provider: report the run's outcome with {@link #report}, whatever it was.
   *
   * @param sessionId the session the run belongs to, or null
   */
  public record Lease(ProviderConfig provider, UUID sessionId) {
  }

  private static final class Binding {
    final String providerId;
    Instant lastUsed;
    int inUse;

    Binding(String providerId, Instant lastUsed) {
      this.providerId = providerId;
      this.lastUsed = lastUsed;
    }
  }

  private final Map<String, ProviderConfig> providers = new LinkedHashMap<>();
  private final LoadBalanceConfig config;
  private final Clock clock;
  private final Map<String, CircuitBreaker> breakers = new LinkedHashMap<>();
  private final SmoothWeighted<String> picker;
  private final Map<UUID, Binding> bindings = new ConcurrentHashMap<>();
  private Instant lastSweep;

  public LoadBalancer(List<ProviderConfig> providers, LoadBalanceConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    for (ProviderConfig provider : providers) {
      this.providers.put(provider.id(), provider);
      breakers.put(provider.id(), new CircuitBreaker(config.failureThreshold(), config.recoveryTimeout(), clock));
    }
    boolean weighted = config.strategy().equals("weighted");
    this.picker = new SmoothWeighted<>(id -> weighted ? this.providers.get(id).weight() : 1);
  }

  /**
   * The provider of a run: {@code pinnedId}'s when given, else the session's, else a new choice
   * (bound to the session). Empty when no provider is enabled.
   *
   * @throws CcsException.NotFound when {@code pinnedId} names no provider
   * @throws CcsException.Conflict when {@code pinnedId} names a disabled one
   */
  public synchronized Optional<Lease> choose(UUID sessionId, String pinnedId) {
    if (pinnedId != null) {
      ProviderConfig pinned = providers.get(pinnedId);
      if (pinned == null) {
        throw new CcsException.NotFound("provider_not_found", "Provider not found: " + pinnedId);
      }
      if (!pinned.enabled()) {
        throw new CcsException.Conflict("provider_disabled", "Provider is disabled: " + pinnedId);
      }
      return Optional.of(lease(pinned, sessionId, false));
    }
    List<String> enabled = providers.values().stream().filter(ProviderConfig::enabled).map(ProviderConfig::id)
        .toList();
    if (enabled.isEmpty()) {
      return Optional.empty();
    }
    Binding binding = sessionId == null ? null : liveBinding(sessionId, enabled);
    if (binding != null) {
      CircuitBreaker own = breakers.get(binding.providerId);
      if (own.tryAcquire() || !config.failover()) {
        return Optional.of(lease(providers.get(binding.providerId), sessionId, false));
      }
      // Failover: this run goes elsewhere; the session keeps its binding until its provider recovers.
      List<String> others = new ArrayList<>(enabled);
      others.remove(binding.providerId);
      return pick(others).map(id -> lease(providers.get(id), sessionId, false))
          .or(() -> Optional.of(lease(providers.get(binding.providerId), sessionId, false)));
    }
    String chosen = pick(enabled).orElseGet(() -> picker.pick(enabled).orElseThrow());
    return Optional.of(lease(providers.get(chosen), sessionId, true));
  }

  /** A provider whose breaker lets a run through now (taking a half-open one's probe), in weighted turn. */
  private Optional<String> pick(List<String> candidates) {
    List<String> available = candidates.stream().filter(id -> breakers.get(id).available()).toList();
    Optional<String> chosen = picker.pick(available);
    chosen.ifPresent(id -> breakers.get(id).tryAcquire());
    return chosen;
  }

  private Binding liveBinding(UUID sessionId, List<String> enabled) {
    Binding binding = bindings.get(sessionId);
    if (binding == null) {
      return null;
    }
    boolean expired = binding.inUse == 0 && !clock.instant().isBefore(binding.lastUsed.plus(config.bindingTtl()));
    if (expired || !enabled.contains(binding.providerId)) {
      bindings.remove(sessionId);
      return null;
    }
    return binding;
  }

  private Lease lease(ProviderConfig provider, UUID sessionId, boolean bind) {
    if (bind) {
      forgetExpiredBindings();
    }
    if (sessionId != null) {
      // A pinned run or one failed over elsewhere leaves the session's binding as it is.
      Binding binding = bind ? new Binding(provider.id(), clock.instant()) : bindings.get(sessionId);
      if (bind) {
        bindings.put(sessionId, binding);
      }
      if (binding != null) {
        binding.lastUsed = clock.instant();
        binding.inUse++;
      }
    }
    return new Lease(provider, sessionId);
  }

  /**
   * Drops idle bindings past their time, at most once per {@code bindingTtl}: sessions that are
   * never used again (or were deleted) do not keep theirs for ever.
   */
  private void forgetExpiredBindings() {
    Instant now = clock.instant();
    if (lastSweep != null && now.isBefore(lastSweep.plus(config.bindingTtl()))) {
      return;
    }
    lastSweep = now;
    bindings.values().removeIf(b -> b.inUse == 0 && !now.isBefore(b.lastUsed.plus(config.bindingTtl())));
  }

  /** What the run on a lease said about its provider ({@link ProviderFailures}). */
  public synchronized void report(Lease lease, RunOutcome outcome) {
    CircuitBreaker breaker = breakers.get(lease.provider().id());
    switch (ProviderFailures.of(outcome)) {
      case HEALTHY -> breaker.onSuccess();
      case FAILED -> breaker.onFailure();
      default -> breaker.onNeutral();
    }
    release(lease);
  }

  /** A lease whose run never ran to an outcome (it failed to start): nothing is learnt from it. */
  public synchronized void abandon(Lease lease) {
    breakers.get(lease.provider().id()).onNeutral();
    release(lease);
  }

  private void release(Lease lease) {
    if (lease.sessionId() != null) {
      Binding binding = bindings.get(lease.sessionId());
      if (binding != null) {
        binding.inUse = Math.max(0, binding.inUse - 1);
        binding.lastUsed = clock.instant();
      }
    }
  }

  /** The provider a session is bound to, if its binding is live. */
  public synchronized Optional<String> bindingOf(UUID sessionId) {
    List<String> enabled = providers.values().stream().filter(ProviderConfig::enabled).map(ProviderConfig::id)
        .toList();
    return Optional.ofNullable(liveBinding(sessionId, enabled)).map(b -> b.providerId);
  }

  /** Sessions with a binding (live or not yet dropped). */
  public int boundSessions() {
    return bindings.size();
  }

  /** Each provider's breaker, in config order. */
  public synchronized Map<String, CircuitBreaker.Snapshot> health() {
    Map<String, CircuitBreaker.Snapshot> health = new LinkedHashMap<>();
    breakers.forEach((id, breaker) -> health.put(id, breaker.snapshot()));
    return health;
  }
}
