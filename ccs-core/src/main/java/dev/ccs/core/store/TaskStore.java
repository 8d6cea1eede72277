package dev.ccs.core.store;

import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Where tasks are kept. Thread-safe; every write is on disk before it returns. */
public interface TaskStore {

  /** Stores a new task (version 1). */
  Task create(Task task);

  Optional<Task> get(UUID id);

  /**
   * Replaces the stored task, provided it is still at {@code task.version()}.
   *
   * @throws StaleVersionException when it changed since it was read
   */
  Task update(Task task);

  boolean delete(UUID id);

  /** Tasks, newest first, optionally of one status. */
  List<Task> list(TaskStatus status, int limit);

  /** Every task (for recovery at start and for the queue's counts). */
  List<Task> all();

  /** Finished tasks completed before {@code cutoff}. */
  List<Task> finishedBefore(Instant cutoff, int limit);
}
