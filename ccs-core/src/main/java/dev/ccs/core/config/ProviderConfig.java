package dev.ccs.core.config;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One API endpoint and its credentials ({@code providers[]} in the config). A run on this provider
 * gets {@code ANTHROPIC_API_KEY} and {@code ANTHROPIC_AUTH_TOKEN} set to {@code apiKey},
 * {@code ANTHROPIC_BASE_URL} set to {@code baseUrl}, then every {@code env} entry. {@code apiKey} and
 * {@code env} values may be {@link SecretReference references} ({@code ${env:NAME}},
 * {@code ${file:PATH}}); they are kept as written and resolved for each run.
 *
 * @param id unique, letters, digits, {@code _} and {@code -}
 * @param name display name
 * @param apiKey secret or a reference to one, as written; never logged or returned
 * @param baseUrl endpoint, or null for the CLI's default
 * @param weight 1-10, for the weighted strategy
 * @param enabled whether runs may use it
 * @param env extra environment; values are never logged or returned
 */
public record ProviderConfig(String id, String name, String apiKey, String baseUrl, int weight,
    boolean enabled, Map<String, String> env) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** Whether {@code id} is a well-formed provider id: 1-64 letters, digits, {@code _} or {@code -}. */
  public static boolean validId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  public ProviderConfig {
    Objects.requireNonNull(id, "providers[].id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("\"providers[].id\" is \"" + id
          + "\"; allowed: 1-64 letters, digits, '_' or '-'");
    }
    name = name == null ? id : name;
    Checks.range("providers[].weight", weight, 1, 10);
    env = Map.copyOf(env == null ? Map.of() : env);
    String keyProblem = SecretReference.problem(apiKey);
    if (keyProblem != null) {
      throw new IllegalArgumentException("\"providers[].apiKey\" of provider \"" + id + "\" " + keyProblem);
    }
    for (Map.Entry<String, String> entry : env.entrySet()) {
      String problem = SecretReference.problem(entry.getValue());
      if (problem != null) {
        throw new IllegalArgumentException("\"providers[].env." + entry.getKey() + "\" of provider \"" + id + "\" "
            + problem);
      }
    }
  }

  @Override
  public String toString() {
    return "ProviderConfig[id=" + id + ", name=" + name + ", apiKey=" + (apiKey == null ? "null" : "***")
        + ", baseUrl=" + baseUrl + ", weight=" + weight + ", enabled=" + enabled
        + ", env=" + env.keySet() + "]";
  }
}
