package dev.ccs.core.config;

import java.util.Objects;

/**
 * Security settings.
 *
 * @param auth config {@code security.auth}
 * @param swaggerDocs config {@code security.swaggerDocs.enabled}
 * @param audit config {@code security.audit.enabled}
 */
public record SecurityConfig(AuthConfig auth, boolean swaggerDocs, boolean audit) {

  public static final SecurityConfig DEFAULT = new SecurityConfig(AuthConfig.DEFAULT, true, true);

  public SecurityConfig {
    Objects.requireNonNull(auth, "security.auth");
  }
}
