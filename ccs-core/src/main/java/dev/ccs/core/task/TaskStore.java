package dev.ccs.core.task;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Where tasks are kept. Thread-safe; every write is on disk before it returns. */
public interface TaskStore {

  /** How long an idempotency key names its task: a retry with it within this time gets that task. */
  Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);

  /**
   * Stores a new task (version 1).
   *
   * @throws IdempotencyKeyTaken from a store shared by several nodes, which arbitrates keys itself,
   *     when a task created within {@link #IDEMPOTENCY_WINDOW} holds the task's key
   */
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

  /** Removes a task, durably; false if there was none. */
  boolean delete(UUID id);

  /**
   * Removes a task for retention, without waiting for the disk: a removal that a machine crash
   * loses is made again by the next purge. False if there was none.
   */
  default boolean purge(UUID id) {
    return delete(id);
  }

  /** Tasks, newest first, optionally of one status. */
  List<Task> list(TaskStatus status, int limit);

  /**
   * Ids of {@link #list}'s tasks, for callers that read them one at a time (a long listing of
   * tasks with large prompts and results is then never in memory at once).
   */
  List<UUID> listIds(TaskStatus status, int limit);

  /** As {@link #listIds(TaskStatus, int)}, from after {@code after} (the next page; null: the first). */
  List<UUID> listIds(TaskStatus status, int limit, TaskCursor after);

  /** Ids of {@link #deadLetters}' tasks. */
  List<UUID> deadLetterIds(int limit);

  /** As {@link #deadLetterIds(int)}, from after {@code after}. */
  List<UUID> deadLetterIds(int limit, TaskCursor after);

  /** Every task. */
  List<Task> all();

  /**
   * Ids of the tasks not finished (waiting or running), in submission order: what a start takes up
   * again, reading them one at a time.
   */
  List<UUID> unfinishedIds();

  /** The sessions that a task not finished yet will run in: not to be removed by retention. */
  Set<UUID> sessionsOfUnfinished();

  /** A task's idempotency key, as a start remembers it. */
  record KeyedTask(String idempotencyKey, UUID taskId, Instant createdAt) {
  }

  /** Tasks with an idempotency key created at or after {@code since}, in submission order. */
  List<KeyedTask> withIdempotencyKeySince(Instant since);

  /** Failed tasks that exhausted their retries, newest first. */
  List<Task> deadLetters(int limit);

  /** The highest submission sequence stored, 0 when none. */
  long maxSequence();

  /** Counts over every task; cheap (kept as tasks change), for the queue's status. */
  TaskSummary summary();

  /** Ids of finished tasks completed before {@code cutoff}, oldest first. */
  List<UUID> finishedBefore(Instant cutoff, int limit);

  /**
   * Ids of the oldest finished tasks (by submission), whether or not their completion was recorded,
   * leaving out those with an idempotency key created at or after {@code keyedSince} (a retry with
   * the key must still find its task).
   */
  List<UUID> oldestFinished(Instant keyedSince, int limit);

  /** How many tasks are finished; cheap. */
  int finishedCount();

  /**
   * The line of waiting tasks when several nodes share this store; empty for a store one node owns
   * (its queue keeps the line in memory).
   */
  default Optional<SharedLine> sharedLine() {
    return Optional.empty();
  }
}
