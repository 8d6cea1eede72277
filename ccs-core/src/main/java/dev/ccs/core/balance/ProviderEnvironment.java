package dev.ccs.core.balance;

import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.config.SecretReference;
import dev.ccs.core.error.CcsException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment a run on a provider gets, as the Node server sets it so that its configs (and
 * third-party Anthropic-compatible gateways) keep working: {@code apiKey} as both
 * {@code ANTHROPIC_AUTH_TOKEN} and {@code ANTHROPIC_API_KEY}, {@code baseUrl} as
 * {@code ANTHROPIC_BASE_URL}, then each {@code env} entry as given (an empty string stays empty;
 * null entries were dropped when the config was read). Secret references are resolved here, for
 * this run. Credentials go to the one process that needs them, never into a file.
 */
public final class ProviderEnvironment {

  private ProviderEnvironment() {
  }

  /**
   * @param serverEnvironment where {@code ${env:NAME}} references are looked up
   * @throws CcsException.Unavailable when a secret reference cannot be resolved (its name only is told)
   */
  public static Map<String, String> of(ProviderConfig provider, Map<String, String> serverEnvironment) {
    Map<String, String> env = new LinkedHashMap<>();
    try {
      String apiKey = SecretReference.resolve(provider.apiKey(), serverEnvironment);
      if (apiKey != null && !apiKey.isBlank()) {
        env.put("ANTHROPIC_AUTH_TOKEN", apiKey);
        env.put("ANTHROPIC_API_KEY", apiKey);
      }
      if (provider.baseUrl() != null && !provider.baseUrl().isBlank()) {
        env.put("ANTHROPIC_BASE_URL", provider.baseUrl());
      }
      for (Map.Entry<String, String> entry : provider.env().entrySet()) {
        env.put(entry.getKey(), SecretReference.resolve(entry.getValue(), serverEnvironment));
      }
    } catch (IllegalStateException e) {
      throw new CcsException.Unavailable("provider " + provider.id() + ": a secret of its config cannot be read: "
          + e.getMessage());
    }
    return env;
  }

  /** The names {@link #of} sets for {@code provider}, without reading any secret. */
  public static java.util.Set<String> names(ProviderConfig provider) {
    java.util.Set<String> names = new java.util.LinkedHashSet<>(
        java.util.List.of("ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"));
    names.addAll(provider.env().keySet());
    return names;
  }
}
