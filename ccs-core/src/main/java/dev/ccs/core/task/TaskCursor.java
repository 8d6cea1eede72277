package dev.ccs.core.task;

import dev.ccs.core.internal.Cursors;
import java.time.Instant;
import java.util.UUID;

/**
 * Where a page of a task list ended: the last task's submission time, sequence and id (the list's
 * order), so that the next page starts after it whatever is submitted meanwhile. Opaque to clients.
 */
public record TaskCursor(Instant createdAt, long sequence, UUID id) {

  public static TaskCursor after(Task task) {
    return new TaskCursor(task.createdAt(), task.sequence(), task.id());
  }

  public String encode() {
    return Cursors.encode("t1", createdAt, sequence, id);
  }

  /** @throws dev.ccs.core.error.CcsException.InvalidRequest for a cursor this server did not make */
  public static TaskCursor decode(String text) {
    String[] parts = Cursors.decode("t1", 3, text);
    try {
      return new TaskCursor(Instant.parse(parts[0]), Long.parseLong(parts[1]), UUID.fromString(parts[2]));
    } catch (RuntimeException e) {
      throw Cursors.invalid();
    }
  }
}
