package dev.ccs.core.auth;

import java.util.Set;

/**
 * Who made a request: a named key, the Node server's derived key, or anyone (auth off).
 *
 * @param keyId the key's id ({@code key_…}), {@code "legacy"}, or {@code "anonymous"}
 * @param name the key's name, for logs and statistics (never the key itself)
 * @param scopes what it may do; empty means everything
 */
public record Caller(String keyId, String name, Set<Scope> scopes) {

  /** Every request when authentication is off. */
  public static final Caller ANONYMOUS = new Caller("anonymous", "anonymous", Set.of());
  /** The key derived from {@code security.auth.secretKey}. */
  public static final Caller LEGACY = new Caller("legacy", "legacy", Set.of());

  public Caller {
    scopes = Set.copyOf(scopes);
  }

  public boolean may(Scope required) {
    return Scope.allows(scopes, required);
  }
}
