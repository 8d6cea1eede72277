package dev.ccs.core.store;

import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * What the file store keeps in memory of a task: what it orders, filters and counts by. The task
 * itself (prompt, result, metadata, usage) is read from disk when asked for, so that the heap holds
 * some hundred bytes per stored task whatever its prompt and answer.
 */
record TaskHead(UUID id, long sequence, Instant createdAt, Instant completedAt, TaskStatus status,
    BigDecimal costUsd, boolean deadLetter, String idempotencyKey, UUID sessionId, long version) {

  static TaskHead of(Task task) {
    return new TaskHead(task.id(), task.sequence(), task.createdAt(), task.completedAt(), task.status(),
        task.costUsd(), task.deadLetter(), task.idempotencyKey(), task.sessionId(), task.version());
  }
}
