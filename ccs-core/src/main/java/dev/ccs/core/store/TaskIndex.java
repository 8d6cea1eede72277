package dev.ccs.core.store;

import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/** Tasks in memory, newest first, with a set per status; changes to one task are serialised by the caller. */
final class TaskIndex {

  private record Key(Instant createdAt, long sequence, UUID id) {
  }

  private static final Comparator<Key> NEWEST_FIRST = Comparator.comparing(Key::createdAt).reversed()
      .thenComparing(Comparator.comparingLong(Key::sequence).reversed()).thenComparing(Key::id);

  private final Map<UUID, Task> byId = new ConcurrentHashMap<>();
  private final NavigableSet<Key> all = new ConcurrentSkipListSet<>(NEWEST_FIRST);
  private final Map<TaskStatus, NavigableSet<Key>> byStatus = new EnumMap<>(TaskStatus.class);

  TaskIndex() {
    for (TaskStatus status : TaskStatus.values()) {
      byStatus.put(status, new ConcurrentSkipListSet<>(NEWEST_FIRST));
    }
  }

  private static Key key(Task task) {
    return new Key(task.createdAt(), task.sequence(), task.id());
  }

  Optional<Task> get(UUID id) {
    return Optional.ofNullable(byId.get(id));
  }

  void put(Task task) {
    Task previous = byId.put(task.id(), task);
    Key key = key(task);
    all.add(key);
    byStatus.get(task.status()).add(key);
    if (previous != null && previous.status() != task.status()) {
      byStatus.get(previous.status()).remove(key(previous));
    }
  }

  void remove(UUID id) {
    Task previous = byId.remove(id);
    if (previous != null) {
      all.remove(key(previous));
      byStatus.get(previous.status()).remove(key(previous));
    }
  }

  List<Task> list(TaskStatus status, int limit) {
    List<Task> found = new ArrayList<>();
    for (Key key : status == null ? all : byStatus.get(status)) {
      Task task = byId.get(key.id());
      if (task != null && (status == null || task.status() == status)) {
        found.add(task);
        if (found.size() >= limit) {
          break;
        }
      }
    }
    return found;
  }

  List<Task> all() {
    return new ArrayList<>(byId.values());
  }

  List<Task> finishedBefore(Instant cutoff, int limit) {
    List<Task> found = new ArrayList<>();
    for (Task task : byId.values()) {
      if (task.status().terminal() && task.completedAt() != null && task.completedAt().isBefore(cutoff)) {
        found.add(task);
        if (found.size() >= limit) {
          break;
        }
      }
    }
    return found;
  }
}
