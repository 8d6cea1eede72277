package dev.ccs.core.task;

import dev.ccs.core.money.Usd;
import java.math.BigDecimal;
import dev.ccs.core.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

  /** Submits the batch to {@code queue} and awaits it (see {@link TaskQueue#runBatch}). */
  static Batch run(TaskQueue queue, List<NewTask> requests, Duration deadline, Ticker ticker) {
    long start = ticker.read();
    UUID batchId = UUID.randomUUID();
    List<Task> submitted = queue.submitAll(requests.stream().map(r -> r.toBuilder().batchId(batchId).build())
        .toList());
    long end = start + deadline.toNanos();
    List<Task> answered = new ArrayList<>();
    for (Task task : submitted) {
      answered.add(awaitUntil(queue, task.id(), end, ticker));
    }
    return new Batch(batchId, answered, Duration.ofNanos(ticker.read() - start));
  }

  /** The task once it ended, or as it is when {@code endNanos} (of {@code ticker}) has come. */
  private static Task awaitUntil(TaskQueue queue, UUID id, long endNanos, Ticker ticker) {
    try {
      return queue.completion(id).get(Math.max(0, endNanos - ticker.read()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return queue.get(id);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return queue.get(id);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a task's completion failed", e.getCause());
    }
  }

  public BigDecimal costUsd() {
    return Usd.normalize(tasks.stream().map(Task::costUsd).reduce(BigDecimal.ZERO, BigDecimal::add));
  }
}
