package dev.ccs.core.task;

import dev.ccs.core.concurrent.CoalescingJob;
import dev.ccs.core.internal.ThrottledCount;
import dev.ccs.core.webhook.WebhookDispatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps at most {@code limits.maxStoredTasks} finished tasks, since every stored task costs memory:
 * beyond it the oldest finished tasks go, with their finished webhook deliveries, soon after the
 * task that passed it finished. A task with an idempotency key stays for the key's window (a retry
 * with the key must find it); waiting and running tasks are bounded by {@code taskQueue.maxPending}.
 */
final class TaskRetention {

  private static final Logger LOG = LoggerFactory.getLogger(TaskRetention.class);
  private static final int BATCH = 256;
  /**
   * Finished tasks removed by age in one run at most, so that a run after a long pause (or a
   * lowered retention) does not hold the store for long; the next run goes on, and a run that
   * stops here says so.
   */
  static final int MAX_PURGED_PER_RUN = 10_000;

  private final int maxFinished;
  private final TaskStore store;
  private final WebhookDispatcher webhooks;
  private final Clock clock;
  private final CoalescingJob trimming;
  private final ThrottledCount removals;

  TaskRetention(int maxFinished, TaskStore store, WebhookDispatcher webhooks, Clock clock, Executor executor) {
    this.maxFinished = maxFinished;
    this.store = store;
    this.webhooks = webhooks;
    this.clock = clock;
    this.removals = new ThrottledCount(LOG, "removed {} oldest finished task(s) to stay within limits.maxStoredTasks ("
        + maxFinished + ")", clock, Duration.ofMinutes(1));
    this.trimming = new CoalescingJob("removing finished tasks beyond limits.maxStoredTasks", executor, this::trim);
  }

  /** After a task finished: past the bound, the oldest are removed soon, off this thread. */
  void finished() {
    if (store.finishedCount() > maxFinished) {
      trimming.request();
    }
  }

  /** Removes the oldest finished tasks beyond the bound; how many were removed. */
  synchronized int trim() {
    int removed = 0;
    int excess;
    while ((excess = store.finishedCount() - maxFinished) > 0) {
      List<UUID> oldest = store.oldestFinished(clock.instant().minus(IdempotencyKeys.WINDOW), Math.min(excess, BATCH));
      int removedNow = 0;
      for (UUID id : oldest) {
        if (store.purge(id)) {
          webhooks.forgetTask(id);
          removedNow++;
        }
      }
      removed += removedNow;
      if (removedNow == 0) {
        break; // the rest keep idempotency keys
      }
    }
    removals.add(removed);
    return removed;
  }

  /**
   * Removes tasks that finished before {@code cutoff} (at most {@link #MAX_PURGED_PER_RUN}) with
   * their webhook deliveries, and deliveries that finished before it.
   *
   * @return how many tasks were removed
   */
  synchronized int purgeOlderThan(Instant cutoff) {
    int removed = 0;
    int removedNow;
    do {
      removedNow = 0;
      for (UUID id : store.finishedBefore(cutoff, Math.min(BATCH, MAX_PURGED_PER_RUN - removed))) {
        if (store.purge(id)) {
          webhooks.forgetTask(id);
          removedNow++;
        }
      }
      removed += removedNow;
    } while (removedNow > 0 && removed < MAX_PURGED_PER_RUN);
    int deliveries = webhooks.purgeFinishedBefore(cutoff, MAX_PURGED_PER_RUN);
    if (removed > 0 || deliveries > 0) {
      LOG.info("removed {} task(s) and {} other webhook deliveries finished before {} (sessionRetentionDays)",
          removed, deliveries, cutoff);
    }
    if (removed >= MAX_PURGED_PER_RUN || deliveries >= MAX_PURGED_PER_RUN) {
      LOG.info("more finished tasks or deliveries are older than {}: at most {} go per run, the next run goes on",
          cutoff, MAX_PURGED_PER_RUN);
    }
    return removed;
  }
}
