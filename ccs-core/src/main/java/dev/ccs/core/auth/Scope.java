package dev.ccs.core.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a key may do. Each scope includes the ones before it: {@code run} can read what it ran,
 * {@code admin} can do everything. A key without scopes has all of them (like the Node server's
 * one key).
 */
public enum Scope {
  /** Read sessions, messages, tasks, statistics, health and metrics. */
  READ,
  /** Also run prompts, create, continue, cancel and delete sessions and tasks. */
  RUN,
  /** Also manage API keys, the configuration and the providers. */
  ADMIN;

  /** The scope's name on the wire and in the key file. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The scope named {@code name}.
   *
   * @throws IllegalArgumentException naming the allowed values
   */
  public static Scope of(String name) {
    for (Scope scope : values()) {
      if (scope.wireName().equals(name)) {
        return scope;
      }
    }
    throw new IllegalArgumentException("unknown scope \"" + name + "\"; allowed: read, run, admin");
  }

  /** Whether holding any of {@code held} (all when empty) allows what {@code required} guards. */
  public static boolean allows(Set<Scope> held, Scope required) {
    if (held.isEmpty()) {
      return true;
    }
    for (Scope scope : held) {
      if (scope.ordinal() >= required.ordinal()) {
        return true;
      }
    }
    return false;
  }

  /** Every scope. */
  public static Set<Scope> all() {
    return EnumSet.allOf(Scope.class);
  }
}
