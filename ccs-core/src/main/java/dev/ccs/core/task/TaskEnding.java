package dev.ccs.core.task;

import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.error.StaleVersionException;
import dev.ccs.core.money.Usd;
import dev.ccs.core.webhook.WebhookDispatcher;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes that end a task's run: its final state (stored once, never over another final state,
 * then told to webhooks, its stream and whoever awaits it), a retry that waits, or the requeue of a
 * task a stopping server interrupted.
 */
final class TaskEnding {

  private static final Logger LOG = LoggerFactory.getLogger(TaskEnding.class);
  private static final int MAX_INTERRUPTIONS = 3;

  private final TaskStore store;
  private final Clock clock;
  private final WebhookDispatcher webhooks;
  private final TaskStreams streams;
  private final TaskRetention retention;
  private final boolean requeueInterrupted;
  private final int retries;
  private final Consumer<Task> requeue;
  private final Map<UUID, CompletableFuture<Task>> completions = new ConcurrentHashMap<>();

  /** @param requeue puts a task that waits again back in line */
  TaskEnding(TaskStore store, Clock clock, WebhookDispatcher webhooks, TaskStreams streams, TaskRetention retention,
      TaskQueueConfig config, Consumer<Task> requeue) {
    this.store = store;
    this.clock = clock;
    this.webhooks = webhooks;
    this.streams = streams;
    this.retention = retention;
    this.requeueInterrupted = config.requeueInterrupted();
    this.retries = config.retries();
    this.requeue = requeue;
  }

  /** Someone may await this task's end. */
  void expect(UUID id) {
    completions.putIfAbsent(id, new CompletableFuture<>());
  }

  /** Completes when the task ends (at once for a finished one). */
  CompletableFuture<Task> completion(UUID id, Supplier<Task> current) {
    Task task = current.get();
    if (task.status().terminal()) {
      return CompletableFuture.completedFuture(task);
    }
    CompletableFuture<Task> completion = completions.computeIfAbsent(id, k -> new CompletableFuture<>());
    // It may have ended between the read and the registration.
    Task again = current.get();
    if (again.status().terminal()) {
      completion.complete(again);
    }
    return completion;
  }

  /** Stores a final state (never over another one), then tells webhooks, the stream and waiters. */
  Task finish(Task task, Ending ending) {
    Task current = task;
    Task stored;
    while (true) {
      if (current.status().terminal()) {
        return current;
      }
      Instant now = clock.instant();
      try {
        stored = store.update(current.toBuilder().status(ending.status()).updatedAt(now).completedAt(now)
            .result(ending.result()).error(ending.error()).errorCode(ending.code())
            .costUsd(Usd.add(current.costUsd(), ending.cost())).usage(ending.usage()).durationMs(ending.durationMs())
            .notBefore(null).deadLetter(ending.deadLetter()).build());
        break;
      } catch (StaleVersionException e) {
        current = store.get(task.id()).orElseThrow();
      }
    }
    webhooks.publish(stored.id(), stored.webhookUrl(), TaskPayloads.terminalEvent(stored.status()),
        TaskPayloads.terminal(stored));
    streams.finish(stored);
    retention.finished();
    CompletableFuture<Task> completion = completions.remove(stored.id());
    if (completion != null) {
      completion.complete(stored);
    }
    return stored;
  }

  /** Whether anyone here awaits the task's end or follows its stream (else another node's end is not read). */
  boolean heardOfHere(UUID id) {
    return completions.containsKey(id) || streams.isOpen(id);
  }

  /**
   * A task another node ended (a shared line): whoever awaits it here, and its stream here, hear
   * of its end; nothing is written (that node did it, and told its webhooks).
   */
  void endedElsewhere(Task task) {
    if (!task.status().terminal()) {
      return;
    }
    streams.finishIfOpen(task);
    CompletableFuture<Task> completion = completions.remove(task.id());
    if (completion != null) {
      completion.complete(task);
    }
  }

  /** A run the API refused for a passing reason: the task waits {@code wait}, then runs again. */
  void retryLater(Task task, BigDecimal cost, String error, String code, Duration wait) {
    Instant now = clock.instant();
    Task waiting;
    try {
      waiting = store.update(task.toBuilder().status(TaskStatus.PENDING).updatedAt(now).error(error).errorCode(code)
          .costUsd(Usd.add(task.costUsd(), cost)).notBefore(now.plus(wait)).build());
    } catch (StaleVersionException e) {
      return; // cancelled while it ran: it stays cancelled
    }
    LOG.info("task {} failed ({}); retry {} of {} in {} ms", task.id(), code, task.attempts(), retries,
        wait.toMillis());
    streams.publishStatus(waiting);
    requeue.accept(waiting);
  }

  /**
   * A task whose run the stop of a server interrupted: requeued (at most three times) or failed,
   * as configured. The caller queues a requeued one.
   */
  Task interrupted(Task task) {
    if (requeueInterrupted && task.interruptions() < MAX_INTERRUPTIONS) {
      try {
        return store.update(task.toBuilder().status(TaskStatus.PENDING).updatedAt(clock.instant())
            .interruptions(task.interruptions() + 1).notBefore(null).build());
      } catch (StaleVersionException e) {
        return store.get(task.id()).orElse(task); // ended meanwhile (a cancel): that stays
      }
    }
    return finish(task, Ending.failed("interrupted: the server stopped while the task ran", "interrupted"));
  }
}
