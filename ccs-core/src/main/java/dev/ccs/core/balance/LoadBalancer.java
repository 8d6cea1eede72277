package dev.ccs.core.balance;

import dev.ccs.core.concurrent.CoalescingJob;
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
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the provider of each run and learns from its outcome. A session stays on the provider it
 * was given ({@link Bindings}; the binding is also stored with the session, so it survives a
 * restart). New sessions are spread by smooth weighted round-robin ({@code strategy: weighted}) or
 * in turn ({@code round-robin}) over the enabled providers whose {@link CircuitBreaker} lets runs
 * through; only when none does is an open one tried. With {@code failover}, a session whose provider
 * is open runs on another one until its own recovers, and a run that failed before reaching the
 * model may be retried once elsewhere ({@link #instead}). Runtime enable/disable, breakers and
 * counters are kept in a {@link ProviderStateStore}. Without providers, runs use the CLI's own
 * credentials. Thread-safe.
 */
public final class LoadBalancer {

  private static final Logger LOG = LoggerFactory.getLogger(LoadBalancer.class);

  /**
   * A run's provider: report the run's outcome with {@link #report}, whatever it was.
   *
   * @param sessionId the session the run belongs to, or null
   * @param boundProviderId the provider the session is bound to (to store with it), or null
   */
  public record Lease(ProviderConfig provider, UUID sessionId, String boundProviderId) {
  }

  private final Map<String, ProviderHealth> providers = new LinkedHashMap<>();
  private LoadBalanceConfig config;
  private final Clock clock;
  private final Map<String, String> serverEnvironment;
  private SmoothWeighted<String> picker;
  private final Bindings bindings;
  private final ProviderStateStore store;
  private final CoalescingJob saver;
  private List<String> enabled;

  /** A balancer whose state lives in memory only. */
  public LoadBalancer(List<ProviderConfig> providers, LoadBalanceConfig config, Clock clock) {
    this(providers, config, clock, ProviderStateStore.inMemory(), Runnable::run, System.getenv());
  }

  /**
   * @param store where runtime enable/disable, breakers and counters are kept; what it holds for
   *     ids still configured is restored now
   * @param saves runs the saves of counters that follow runs' outcomes (a delaying executor makes
   *     one save serve all the runs that end meanwhile)
   * @param serverEnvironment where {@code ${env:NAME}} secrets are found, to keep them out of status answers
   */
  public LoadBalancer(List<ProviderConfig> providers, LoadBalanceConfig config, Clock clock, ProviderStateStore store,
      Executor saves, Map<String, String> serverEnvironment) {
    this.config = config;
    this.clock = clock;
    this.store = store;
    this.serverEnvironment = serverEnvironment;
    for (ProviderConfig provider : providers) {
      this.providers.put(provider.id(), new ProviderHealth(provider, config.failureThreshold(),
          config.recoveryTimeout(), clock, serverEnvironment));
    }
    for (ProviderState saved : store.load()) {
      ProviderHealth health = this.providers.get(saved.id());
      if (health != null) {
        health.restore(saved);
      }
    }
    this.picker = picker(config);
    this.bindings = new Bindings(config.bindingTtl(), clock);
    this.saver = new CoalescingJob("provider-state-save", saves, this::save);
    this.enabled = enabledIds();
    store.onChange(this::adoptShared);
  }

  /** Another node disabled, enabled or reset a provider, or its breaker changed there: this node follows. */
  private synchronized void adoptShared() {
    for (ProviderState shared : store.load()) {
      ProviderHealth health = providers.get(shared.id());
      if (health != null) {
        health.adopt(shared);
        if (Boolean.FALSE.equals(shared.enabledOverride())) {
          bindings.dropIdle(shared.id());
        }
      }
    }
    enabled = enabledIds();
  }

  private SmoothWeighted<String> picker(LoadBalanceConfig config) {
    boolean weighted = config.strategy().equals("weighted");
    return new SmoothWeighted<>(id -> weighted ? this.providers.get(id).config.weight() : 1);
  }

  /**
   * Takes a new provider list and settings (config reload). A provider whose id stays keeps its
   * health, counters and runtime enable/disable; a new one starts fresh; one that is gone is
   * forgotten, and its sessions are bound anew on their next run. {@code bindingTtl} applies at the
   * next start.
   */
  public synchronized void reconfigure(List<ProviderConfig> newProviders, LoadBalanceConfig newConfig) {
    Map<String, ProviderHealth> next = new LinkedHashMap<>();
    for (ProviderConfig provider : newProviders) {
      ProviderHealth health = new ProviderHealth(provider, newConfig.failureThreshold(), newConfig.recoveryTimeout(),
          clock, serverEnvironment);
      ProviderHealth old = providers.get(provider.id());
      if (old != null) {
        health.restore(old.state());
      }
      next.put(provider.id(), health);
    }
    providers.clear();
    providers.putAll(next);
    config = newConfig;
    picker = picker(newConfig);
    enabled = enabledIds();
    store.save(states(), true);
  }

  /** Whether any provider is configured (else runs use the CLI's own credentials). */
  public boolean configured() {
    return !providers.isEmpty();
  }

  public synchronized LoadBalanceConfig config() {
    return config;
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
      ProviderHealth pinned = known(pinnedId);
      if (!pinned.enabled()) {
        throw new CcsException.Conflict("provider_disabled", "Provider is disabled: " + pinnedId);
      }
      return Optional.of(lease(pinned, sessionId));
    }
    if (enabled.isEmpty()) {
      return Optional.empty();
    }
    String bound = sessionId == null ? null : bindings.live(sessionId, enabled::contains);
    if (bound != null) {
      ProviderHealth own = providers.get(bound);
      if (own.breaker.tryAcquire() || !config.failover()) {
        return Optional.of(lease(own, sessionId));
      }
      // Failover: this run goes elsewhere; the session keeps its binding until its provider recovers.
      List<String> others = new ArrayList<>(enabled);
      others.remove(bound);
      return Optional.of(lease(providers.get(pick(others).orElse(bound)), sessionId));
    }
    String chosen = pick(enabled).orElseGet(() -> picker.pick(enabled).orElseThrow());
    if (sessionId != null) {
      bindings.bind(sessionId, chosen);
    }
    return Optional.of(lease(providers.get(chosen), sessionId));
  }

  /**
   * Another provider for a run that failed on {@code failed}'s before reaching the model: with
   * {@code failover}, an enabled one whose breaker lets runs through; the session's binding stays.
   * Report {@code failed} first.
   */
  public synchronized Optional<Lease> instead(Lease failed) {
    if (!config.failover()) {
      return Optional.empty();
    }
    List<String> others = new ArrayList<>(enabled);
    others.remove(failed.provider().id());
    return pick(others).map(id -> lease(providers.get(id), failed.sessionId()));
  }

  /** A provider whose breaker lets a run through now (taking a half-open one's probe), in weighted turn. */
  private Optional<String> pick(List<String> candidates) {
    List<String> available = candidates.stream().filter(id -> providers.get(id).breaker.available()).toList();
    Optional<String> chosen = picker.pick(available);
    chosen.ifPresent(id -> providers.get(id).breaker.tryAcquire());
    return chosen;
  }

  private Lease lease(ProviderHealth provider, UUID sessionId) {
    provider.lastUsedAt = clock.instant();
    if (sessionId != null) {
      bindings.acquire(sessionId);
    }
    return new Lease(provider.config, sessionId, sessionId == null ? null : bindings.providerOf(sessionId));
  }

  /** What the run on a lease said about its provider ({@link ProviderFailures}). */
  public synchronized void report(Lease lease, RunOutcome outcome) {
    ProviderHealth health = providers.get(lease.provider().id());
    if (health == null) {
      release(lease); // removed by a config reload while the run ran
      return;
    }
    boolean stateChanged = health.record(ProviderFailures.of(outcome), outcome, clock.instant());
    release(lease);
    if (stateChanged) {
      // A breaker that opened or closed is on disk at once: a restart must not forget an outage.
      try {
        store.save(states(), true);
      } catch (RuntimeException e) {
        LOG.warn("provider states not saved: {}", e.getMessage());
      }
    } else {
      saver.request();
    }
  }

  /** A lease whose run never ran to an outcome (it failed to start): nothing is learnt from it. */
  public synchronized void abandon(Lease lease) {
    ProviderHealth health = providers.get(lease.provider().id());
    if (health != null) {
      health.breaker.onNeutral();
    }
    release(lease);
  }

  private void release(Lease lease) {
    if (lease.sessionId() != null) {
      bindings.release(lease.sessionId());
    }
  }

  /** A binding stored with a session (at start), unless it has expired or its provider is gone. */
  public synchronized void restoreBinding(UUID sessionId, String providerId, Instant lastUsed) {
    if (providers.containsKey(providerId)) {
      bindings.restore(sessionId, providerId, lastUsed);
    }
  }

  /** The provider a session is bound to, if its binding is live. */
  public synchronized Optional<String> bindingOf(UUID sessionId) {
    return Optional.ofNullable(bindings.live(sessionId, enabled::contains));
  }

  /** The live bindings, session to provider. */
  public synchronized Map<UUID, String> bindings() {
    return bindings.snapshot();
  }

  /** Sessions with a binding (live or not yet dropped). */
  public int boundSessions() {
    return bindings.size();
  }

  /** Each provider as the status endpoint shows it, in config order. */
  public synchronized List<ProviderStatus> status() {
    Map<String, Integer> bound = bindings.countByProvider();
    List<ProviderStatus> result = new ArrayList<>();
    for (ProviderHealth p : providers.values()) {
      CircuitBreaker.Snapshot breaker = p.breaker.snapshot();
      Instant retryAt = breaker.openedAt() == null ? null : breaker.openedAt().plus(config.recoveryTimeout());
      result.add(new ProviderStatus(p.config.id(), p.config.name(), p.config.weight(), p.enabled(),
          p.enabledOverride == null ? "config" : "runtime", breaker.state(), breaker.consecutiveFailures(),
          p.totalRequests, p.totalFailures, bound.getOrDefault(p.config.id(), 0), p.lastError, p.lastErrorAt,
          p.lastUsedAt, retryAt));
    }
    return result;
  }

  /** Each provider's breaker, in config order. */
  public synchronized Map<String, CircuitBreaker.Snapshot> health() {
    Map<String, CircuitBreaker.Snapshot> health = new LinkedHashMap<>();
    providers.forEach((id, p) -> health.put(id, p.breaker.snapshot()));
    return health;
  }

  /**
   * Lets runs use the provider again, whatever the config says, until {@link #disable}; saved
   * before this returns, so it survives a restart.
   *
   * @throws CcsException.NotFound when no provider has that id
   */
  public synchronized void enable(String id) {
    known(id).enabledOverride = true;
    changedByOperator();
  }

  /**
   * Keeps new runs off the provider (runs under way finish), whatever the config says, until
   * {@link #enable}; its idle sessions are rebound on their next run. Saved before this returns.
   *
   * @throws CcsException.NotFound when no provider has that id
   */
  public synchronized void disable(String id) {
    known(id).enabledOverride = false;
    bindings.dropIdle(id);
    changedByOperator();
  }

  /**
   * Closes the provider's breaker and clears its consecutive failures (its totals stay). Saved
   * before this returns.
   *
   * @throws CcsException.NotFound when no provider has that id
   */
  public synchronized void reset(String id) {
    known(id).breaker.reset();
    changedByOperator();
  }

  private ProviderHealth known(String id) {
    ProviderHealth health = providers.get(id);
    if (health == null) {
      throw new CcsException.NotFound("provider_not_found", "Provider not found: " + id);
    }
    return health;
  }

  private void changedByOperator() {
    enabled = enabledIds();
    store.save(states(), true);
  }

  /** Saves every provider's state now, on disk before this returns (at shutdown). */
  public synchronized void flush() {
    store.save(states(), true);
  }

  /** The counters after runs: written without an fsync, at most once per the saves executor's delay. */
  private void save() {
    List<ProviderState> states;
    synchronized (this) {
      states = states();
    }
    try {
      store.save(states, false);
    } catch (RuntimeException e) {
      LOG.warn("provider states not saved: {}", e.getMessage());
    }
  }

  private List<ProviderState> states() {
    return providers.values().stream().map(ProviderHealth::state).toList();
  }

  private List<String> enabledIds() {
    return providers.values().stream().filter(ProviderHealth::enabled).map(p -> p.config.id()).toList();
  }
}
