package dev.ccs.core.task;

import java.util.UUID;

/**
 * A store that arbitrates idempotency keys itself (one shared by several nodes) refused a new task:
 * a task created within {@link TaskStore#IDEMPOTENCY_WINDOW} holds its key already, perhaps submitted to
 * another node. The queue answers with that task (same request) or refuses (another request).
 */
public final class IdempotencyKeyTaken extends RuntimeException {

  private final UUID taskId;

  public IdempotencyKeyTaken(UUID taskId) {
    super("the idempotency key is held by task " + taskId, null, false, false);
    this.taskId = taskId;
  }

  /** The task that holds the key. */
  public UUID taskId() {
    return taskId;
  }
}
