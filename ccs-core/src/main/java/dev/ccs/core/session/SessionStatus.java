package dev.ccs.core.session;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A session's state; only an active session takes new turns. */
public enum SessionStatus {
  ACTIVE, ARCHIVED, CLOSED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<SessionStatus> fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst();
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(SessionStatus::wireName).toList();
  }
}
