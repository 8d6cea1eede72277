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
   * Replaces the stored task, provided it is still at {@code task.version()}, durably.
   *
   * @throws StaleVersionException when it changed since it was read
   */
  default Task update(Task task) {
    return update(task, true);
  }

  /**
   * Replaces the stored task, provided it is still at {@code task.version()}.
   *
   * @param durable false for a change that may be lost with the machine (not with the process): it
   *     is written at once and synced with the next durable change
   * @throws StaleVersionException when it changed since it was read
   */
  Task update(Task task, boolean durable);

  boolean delete(UUID id);

  /** Tasks, newest first, optionally of one status. */
  List<Task> list(TaskStatus status, int limit);

  /**
   * Ids of {@link #list}'s tasks, for callers that read them one at a time (a long listing of
   * tasks with large prompts and results is then never in memory at once).
   */
  List<UUID> listIds(TaskStatus status, int limit);

  /** Ids of {@link #deadLetters}' tasks. */
  List<UUID> deadLetterIds(int limit);

  /** Every task. */
  List<Task> all();

  /** Tasks not finished (waiting or running), in submission order: what a start takes up again. */
  List<Task> unfinished();

  /** Tasks with an idempotency key created at or after {@code since}, in submission order. */
  List<Task> withIdempotencyKeySince(Instant since);

  /** Failed tasks that exhausted their retries, newest first. */
  List<Task> deadLetters(int limit);

  /** The highest submission sequence stored, 0 when none. */
  long maxSequence();

  /** Counts over every task; cheap (kept as tasks change), for the queue's status. */
  TaskSummary summary();

  /** Finished tasks completed before {@code cutoff}. */
  List<Task> finishedBefore(Instant cutoff, int limit);
}
