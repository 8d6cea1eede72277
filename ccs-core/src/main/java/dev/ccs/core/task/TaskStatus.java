package dev.ccs.core.task;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Where a task is. The last four are terminal: once there, a task never changes again. */
public enum TaskStatus {
  PENDING, PROCESSING, COMPLETED, FAILED, CANCELLED, TIMEOUT;

  public boolean terminal() {
    return this != PENDING && this != PROCESSING;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<TaskStatus> fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst();
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(TaskStatus::wireName).toList();
  }
}
