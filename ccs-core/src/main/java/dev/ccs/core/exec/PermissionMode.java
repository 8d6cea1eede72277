package dev.ccs.core.exec;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The CLI's {@code --permission-mode} values accepted by the API (the Node server's list). */
public enum PermissionMode {
  DEFAULT("default"),
  ACCEPT_EDITS("acceptEdits"),
  PLAN("plan"),
  DONT_ASK("dontAsk"),
  /** Runs every tool without asking; only when the operator's config allows it. */
  BYPASS_PERMISSIONS("bypassPermissions");

  private final String wireName;

  PermissionMode(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<PermissionMode> fromWireName(String name) {
    return Arrays.stream(values()).filter(m -> m.wireName.equals(name)).findFirst();
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(PermissionMode::wireName).toList();
  }
}
