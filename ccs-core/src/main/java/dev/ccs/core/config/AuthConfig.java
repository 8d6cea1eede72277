package dev.ccs.core.config;

/**
 * API-key authentication of the HTTP API.
 *
 * @param enabled config {@code security.auth.enabled}
 * @param secretKey config {@code security.auth.secretKey}: the key the API key is derived from;
 *     never logged or returned
 * @param bypassHealthCheck config {@code security.auth.bypassHealthCheck}: {@code /health} needs
 *     no key
 * @param bypassMetrics config {@code security.auth.bypassMetrics}: {@code /metrics} needs no key
 *     (for a scraper on a trusted network)
 */
public record AuthConfig(boolean enabled, String secretKey, boolean bypassHealthCheck, boolean bypassMetrics) {

  public static final AuthConfig DEFAULT = new AuthConfig(false, null, true, false);

  /** Without the metrics bypass. */
  public AuthConfig(boolean enabled, String secretKey, boolean bypassHealthCheck) {
    this(enabled, secretKey, bypassHealthCheck, false);
  }

  public AuthConfig {
    if (enabled && (secretKey == null || secretKey.isBlank())) {
      throw new IllegalArgumentException("\"security.auth.secretKey\" is empty; allowed: a secret "
          + "of at least 16 characters when \"security.auth.enabled\" is true");
    }
    if (secretKey != null && !secretKey.isBlank() && secretKey.length() < 16) {
      throw new IllegalArgumentException(
          "\"security.auth.secretKey\" is too short; allowed: at least 16 characters");
    }
  }

  @Override
  public String toString() {
    return "AuthConfig[enabled=" + enabled + ", secretKey=" + (secretKey == null ? "null" : "***")
        + ", bypassHealthCheck=" + bypassHealthCheck + ", bypassMetrics=" + bypassMetrics + "]";
  }
}
