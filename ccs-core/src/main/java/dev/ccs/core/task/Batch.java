package dev.ccs.core.task;

import dev.ccs.core.money.Usd;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A batch of tasks run together and awaited: each task as it was when the batch was answered
 * (ended, or still waiting or running when the deadline passed), and the batch's elapsed time.
 */
public record Batch(UUID id, List<Task> tasks, Duration elapsed) {

  public Batch {
    tasks = List.copyOf(tasks);
  }

  public int successful() {
    return (int) tasks.stream().filter(t -> t.status() == TaskStatus.COMPLETED).count();
  }

  /** Tasks that had not ended when the batch was answered (its deadline passed). */
  public int unfinished() {
    return (int) tasks.stream().filter(t -> !t.status().terminal()).count();
  }

  public BigDecimal costUsd() {
    return Usd.normalize(tasks.stream().map(Task::costUsd).reduce(BigDecimal.ZERO, BigDecimal::add));
  }
}
