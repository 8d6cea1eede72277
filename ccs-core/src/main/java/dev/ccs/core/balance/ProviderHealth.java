package dev.ccs.core.balance;

import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.config.SecretReference;
import dev.ccs.core.exec.RunOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One provider at run time: its config, its breaker, the operator's runtime enable or disable and
 * its counters. Guarded by the {@link LoadBalancer} that owns it.
 */
final class ProviderHealth {

  private static final int MAX_ERROR_CHARS = 300;
  private static final Pattern KEY_LIKE = Pattern.compile(
      "(?i)(bearer\\s+\\S+|\\b(sk|ccs)[-_][A-Za-z0-9_-]{6,}|(api[-_]?key|token|secret|password)[\"'=:\\s]+\\S+)");

  final ProviderConfig config;
  final CircuitBreaker breaker;
  Boolean enabledOverride;
  long totalRequests;
  long totalFailures;
  String lastError;
  Instant lastErrorAt;
  Instant lastUsedAt;

  private final Map<String, String> serverEnvironment;

  /** @param serverEnvironment where the provider's {@code ${env:NAME}} secrets are found (to hide them) */
  ProviderHealth(ProviderConfig config, int failureThreshold, Duration recoveryTimeout, Clock clock,
      Map<String, String> serverEnvironment) {
    this.config = config;
    this.serverEnvironment = serverEnvironment;
    this.breaker = new CircuitBreaker(failureThreshold, recoveryTimeout, clock);
  }

  boolean enabled() {
    return enabledOverride != null ? enabledOverride : config.enabled();
  }

  void restore(ProviderState saved) {
    enabledOverride = saved.enabledOverride();
    breaker.restore(saved.breaker());
    totalRequests = saved.totalRequests();
    totalFailures = saved.totalFailures();
    lastError = saved.lastError();
    lastErrorAt = saved.lastErrorAt();
    lastUsedAt = saved.lastUsedAt();
  }

  /** Takes what nodes share of a provider (another node's operator action or breaker), keeping this node's counters. */
  void adopt(ProviderState shared) {
    enabledOverride = shared.enabledOverride();
    breaker.restore(shared.breaker());
  }

  ProviderState state() {
    return new ProviderState(config.id(), enabledOverride, breaker.snapshot(), totalRequests, totalFailures,
        lastError, lastErrorAt, lastUsedAt);
  }

  /** Counts a run's outcome; returns whether the breaker changed state. */
  boolean record(ProviderFailures.Verdict verdict, RunOutcome outcome, Instant now) {
    CircuitBreaker.State before = breaker.snapshot().state();
    totalRequests++;
    switch (verdict) {
      case HEALTHY -> breaker.onSuccess();
      case FAILED -> {
        totalFailures++;
        lastError = describe(outcome);
        lastErrorAt = now;
        breaker.onFailure();
      }
      default -> breaker.onNeutral();
    }
    return breaker.snapshot().state() != before;
  }

  /** What went wrong, short and with anything that looks like a credential (or is one of ours) hidden. */
  private String describe(RunOutcome outcome) {
    Integer status = outcome.result() == null ? null : outcome.result().apiErrorStatus();
    String text = outcome.result() != null && outcome.result().result() != null ? outcome.result().result()
        : outcome.message();
    String described = (status != null ? "HTTP " + status + ": " : "") + (text == null ? outcome.errorCode() : text);
    return redact(described);
  }

  String redact(String text) {
    String result = text;
    for (String secret : secrets()) {
      if (secret.length() >= 4) {
        result = result.replace(secret, "***");
      }
    }
    result = KEY_LIKE.matcher(result).replaceAll("***");
    return result.length() > MAX_ERROR_CHARS ? result.substring(0, MAX_ERROR_CHARS) + "…" : result;
  }

  /** The provider's key and every env value (all the operator's, any may carry a token), as written and resolved. */
  private List<String> secrets() {
    List<String> secrets = new ArrayList<>();
    addResolved(secrets, config.apiKey());
    config.env().values().forEach(value -> addResolved(secrets, value));
    // Longest first, so a secret that contains another is hidden whole.
    secrets.sort(java.util.Comparator.comparingInt(String::length).reversed());
    return secrets;
  }

  private void addResolved(List<String> secrets, String written) {
    if (written == null) {
      return;
    }
    secrets.add(written);
    try {
      String resolved = SecretReference.resolve(written, serverEnvironment);
      if (resolved != null) {
        secrets.add(resolved);
      }
    } catch (IllegalStateException e) {
      // Not resolvable now: then it cannot be in the error text either.
    }
  }
}
