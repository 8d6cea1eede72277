package dev.ccs.core.balance;

import dev.ccs.core.config.ProviderConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment a run on a provider gets: {@code ANTHROPIC_API_KEY} from {@code apiKey},
 * {@code ANTHROPIC_BASE_URL} from {@code baseUrl}, then the provider's own {@code env} (which may set
 * {@code ANTHROPIC_AUTH_TOKEN} for gateways that want a bearer token). Credentials go to the one
 * process that needs them, never into shared files.
 */
public final class ProviderEnvironment {

  private ProviderEnvironment() {
  }

  public static Map<String, String> of(ProviderConfig provider) {
    Map<String, String> env = new LinkedHashMap<>();
    if (provider.apiKey() != null && !provider.apiKey().isBlank()) {
      env.put("ANTHROPIC_API_KEY", provider.apiKey());
    }
    if (provider.baseUrl() != null && !provider.baseUrl().isBlank()) {
      env.put("ANTHROPIC_BASE_URL", provider.baseUrl());
    }
    env.putAll(provider.env());
    return env;
  }
}
