package dev.ccs.core.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Security settings.
 *
 * @param auth config {@code security.auth}
 * @param swaggerDocs config {@code security.swaggerDocs.enabled}
 * @param audit config {@code security.audit.enabled}
 * @param allowUnauthenticatedRemote config {@code security.allowUnauthenticatedRemote}: serve a
 *     non-loopback address with authentication off (logged as a warning at every start)
 * @param trustProxy config {@code trustProxy}: the proxies whose {@code X-Forwarded-For} names the
 *     client (for rate limits and logs); from anyone else the header is ignored
 * @param allowedPermissionModes config {@code security.allowedPermissionModes}: the
 *     {@code permission_mode} values a request may ask for ({@code bypassPermissions} further needs
 *     {@code allowDangerouslySkipPermissions})
 * @param swaggerDocsPublic config {@code security.swaggerDocs.public}: whether the OpenAPI document
 *     is served without a key while authentication is on (the Node server always served it so; by
 *     default ccs asks for a key, and its Swagger UI page asks the reader for one)
 */
public record SecurityConfig(AuthConfig auth, boolean swaggerDocs, boolean audit, boolean allowUnauthenticatedRemote,
    List<AddressRange> trustProxy, List<String> allowedPermissionModes, boolean swaggerDocsPublic) {

  /** The CLI's permission modes a request may name (as {@code dev.ccs.core.exec.PermissionMode}). */
  public static final List<String> PERMISSION_MODES =
      List.of("default", "acceptEdits", "plan", "dontAsk", "bypassPermissions");

  /** The defaults: authentication off, docs on (their document behind the key once it is on), audit on. */
  public static final SecurityConfig DEFAULT = new SecurityConfig(AuthConfig.DEFAULT, true, true, false, List.of(),
      PERMISSION_MODES, false);

  public SecurityConfig {
    Objects.requireNonNull(auth, "security.auth");
    trustProxy = List.copyOf(trustProxy);
    allowedPermissionModes = List.copyOf(allowedPermissionModes);
    for (String mode : allowedPermissionModes) {
      if (!PERMISSION_MODES.contains(mode)) {
        throw new IllegalArgumentException("\"security.allowedPermissionModes\" has \"" + mode + "\"; allowed: "
            + String.join(", ", PERMISSION_MODES));
      }
    }
  }

  /** Whether a request from {@code peer} may name its client in {@code X-Forwarded-For}. */
  public boolean trustsProxy(InetAddress peer) {
    for (AddressRange range : trustProxy) {
      if (range.contains(peer)) {
        return true;
      }
    }
    return false;
  }

  public SecurityConfig withAuth(AuthConfig value) {
    return toBuilder().auth(value).build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Copies a config with some values changed, by name; {@link #build()} validates like the constructor. */
  public static final class Builder {
    private AuthConfig auth;
    private boolean swaggerDocs;
    private boolean swaggerDocsPublic;
    private boolean audit;
    private boolean allowUnauthenticatedRemote;
    private List<AddressRange> trustProxy;
    private List<String> allowedPermissionModes;

    private Builder(SecurityConfig c) {
      auth = c.auth;
      swaggerDocs = c.swaggerDocs;
      swaggerDocsPublic = c.swaggerDocsPublic;
      audit = c.audit;
      allowUnauthenticatedRemote = c.allowUnauthenticatedRemote;
      trustProxy = c.trustProxy;
      allowedPermissionModes = c.allowedPermissionModes;
    }

    public Builder auth(AuthConfig value) { auth = value; return this; }
    public Builder swaggerDocs(boolean value) { swaggerDocs = value; return this; }
    public Builder swaggerDocsPublic(boolean value) { swaggerDocsPublic = value; return this; }
    public Builder audit(boolean value) { audit = value; return this; }
    public Builder allowUnauthenticatedRemote(boolean value) { allowUnauthenticatedRemote = value; return this; }
    public Builder trustProxy(List<AddressRange> value) { trustProxy = value; return this; }
    public Builder allowedPermissionModes(List<String> value) { allowedPermissionModes = value; return this; }

    public SecurityConfig build() {
      return new SecurityConfig(auth, swaggerDocs, audit, allowUnauthenticatedRemote, trustProxy,
          allowedPermissionModes, swaggerDocsPublic);
    }
  }
}
