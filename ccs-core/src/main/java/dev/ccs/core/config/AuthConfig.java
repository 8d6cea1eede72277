package dev.ccs.core.config;

/**
 * API-key authentication of the HTTP API.
 *
 * @param enabled config {@code security.auth.enabled}
 * @param secretKey config {@code security.auth.secretKey}: the key the API key is derived from;
 *     never logged or returned
 * @param bypassHealthCheck config {@code security.auth.bypassHealthCheck}: {@code /health} needs
 *     no key
 */
public record AuthConfig(boolean enabled, String secretKey, boolean bypassHealthCheck) {

  public static final AuthConfig DEFAULT = new AuthConfig(false, null, true);

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
        + ", bypassHealthCheck=" + bypassHealthCheck + "]";
  }
}
