package dev.ccs.core.store;

import dev.ccs.core.money.Usd;
import dev.ccs.core.task.TaskStatus;
import dev.ccs.core.task.TaskSummary;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Task heads in memory, newest first, with a set per status and running counts; changes to one
 * task are serialised by the caller.
 */
final class TaskIndex {

  private record Key(Instant createdAt, long sequence, UUID id) {
  }

  private static final Comparator<Key> NEWEST_FIRST = Comparator.comparing(Key::createdAt).reversed()
      .thenComparing(Comparator.comparingLong(Key::sequence).reversed()).thenComparing(Key::id);

  private final Map<UUID, TaskHead> byId = new ConcurrentHashMap<>();
  private final NavigableSet<Key> all = new ConcurrentSkipListSet<>(NEWEST_FIRST);
  private final Map<TaskStatus, NavigableSet<Key>> byStatus = new EnumMap<>(TaskStatus.class);
  // ConcurrentSkipListSet.size() walks the set: the counts are kept beside it.
  private final Map<TaskStatus, AtomicInteger> counts = new EnumMap<>(TaskStatus.class);
  private final AtomicInteger deadLetters = new AtomicInteger();
  private final AtomicReference<BigDecimal> totalCost = new AtomicReference<>(BigDecimal.ZERO);

  TaskIndex() {
    for (TaskStatus status : TaskStatus.values()) {
      byStatus.put(status, new ConcurrentSkipListSet<>(NEWEST_FIRST));
      counts.put(status, new AtomicInteger());
    }
  }

  private static Key key(TaskHead task) {
    return new Key(task.createdAt(), task.sequence(), task.id());
  }

  Optional<TaskHead> get(UUID id) {
    return Optional.ofNullable(byId.get(id));
  }

  void put(TaskHead task) {
    TaskHead previous = byId.put(task.id(), task);
    Key key = key(task);
    all.add(key);
    byStatus.get(task.status()).add(key);
    if (previous != null && previous.status() != task.status()) {
      byStatus.get(previous.status()).remove(key(previous));
    }
    count(previous, -1);
    count(task, 1);
  }

  private void count(TaskHead task, int sign) {
    if (task == null) {
      return;
    }
    counts.get(task.status()).addAndGet(sign);
    if (task.deadLetter()) {
      deadLetters.addAndGet(sign);
    }
    BigDecimal cost = sign > 0 ? task.costUsd() : task.costUsd().negate();
    totalCost.accumulateAndGet(cost, BigDecimal::add);
  }

  TaskSummary summary() {
    Map<TaskStatus, Integer> snapshot = new EnumMap<>(TaskStatus.class);
    int total = 0;
    for (Map.Entry<TaskStatus, AtomicInteger> entry : counts.entrySet()) {
      snapshot.put(entry.getKey(), entry.getValue().get());
      total += entry.getValue().get();
    }
    Instant oldestPending = null;
    for (Key key : byStatus.get(TaskStatus.PENDING).descendingSet()) {
      oldestPending = key.createdAt(); // the set is newest first: its last key is the oldest
      break;
    }
    return new TaskSummary(snapshot, total, Usd.normalize(totalCost.get()), deadLetters.get(), oldestPending);
  }

  void remove(UUID id) {
    TaskHead previous = byId.remove(id);
    if (previous != null) {
      all.remove(key(previous));
      byStatus.get(previous.status()).remove(key(previous));
      count(previous, -1);
    }
  }

  /** Ids of tasks, newest first, optionally of one status, that pass {@code test}. */
  List<UUID> list(TaskStatus status, Predicate<TaskHead> test, int limit) {
    return list(status, test, limit, null);
  }

  /** As {@link #list(TaskStatus, Predicate, int)}, from after {@code after} (null: from the start). */
  List<UUID> list(TaskStatus status, Predicate<TaskHead> test, int limit, dev.ccs.core.task.TaskCursor after) {
    List<UUID> found = new ArrayList<>();
    NavigableSet<Key> keys = status == null ? all : byStatus.get(status);
    if (after != null) {
      keys = keys.tailSet(new Key(after.createdAt(), after.sequence(), after.id()), false);
    }
    for (Key key : keys) {
      TaskHead task = byId.get(key.id());
      if (task != null && (status == null || task.status() == status) && test.test(task)) {
        found.add(task.id());
        if (found.size() >= limit) {
          break;
        }
      }
    }
    return found;
  }

  /** Ids of every task that passes {@code test}, in submission order. */
  List<UUID> select(Predicate<TaskHead> test) {
    return byId.values().stream().filter(test).sorted(Comparator.comparingLong(TaskHead::sequence))
        .map(TaskHead::id).toList();
  }

  long maxSequence() {
    return byId.values().stream().mapToLong(TaskHead::sequence).max().orElse(0);
  }

  int size() {
    return byId.size();
  }

  int finishedCount() {
    int finished = 0;
    for (Map.Entry<TaskStatus, AtomicInteger> entry : counts.entrySet()) {
      if (entry.getKey().terminal()) {
        finished += entry.getValue().get();
      }
    }
    return finished;
  }

  /** Ids of finished tasks that pass {@code test}, oldest (by submission) first. */
  List<UUID> finished(Predicate<TaskHead> test, int limit) {
    List<UUID> found = new ArrayList<>();
    for (Key key : all.descendingSet()) {
      TaskHead task = byId.get(key.id());
      if (task != null && task.status().terminal() && test.test(task)) {
        found.add(task.id());
        if (found.size() >= limit) {
          break;
        }
      }
    }
    return found;
  }

  /** The sessions of tasks waiting or running. */
  Set<UUID> sessionsOfUnfinished() {
    Set<UUID> sessions = new HashSet<>();
    for (TaskStatus status : TaskStatus.values()) {
      if (!status.terminal()) {
        for (Key key : byStatus.get(status)) {
          TaskHead task = byId.get(key.id());
          if (task != null && task.sessionId() != null) {
            sessions.add(task.sessionId());
          }
        }
      }
    }
    return sessions;
  }
}
