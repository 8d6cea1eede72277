package dev.ccs.core.time;

import dev.ccs.core.internal.Threads;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs actions after a delay: timeouts, the SIGKILL after a grace period, retries, retention.
 * Every component that waits takes one, so tests drive time with
 * {@code dev.ccs.core.testing.ManualScheduler} instead of sleeping.
 */
@FunctionalInterface
public interface Scheduler {

  /**
   * Runs {@code action} once after {@code delay} on a scheduler thread; the action must be quick
   * (hand longer work to an executor).
   */
  Cancellable schedule(Duration delay, Runnable action);

  /** A shared scheduler with one daemon thread. */
  static Scheduler system() {
    return SystemScheduler.INSTANCE;
  }
}

enum SystemScheduler implements Scheduler {
  INSTANCE;

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  private final ScheduledThreadPoolExecutor executor = createExecutor();

  private static ScheduledThreadPoolExecutor createExecutor() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(1, Threads.daemonFactory("ccs-scheduler"));
    // Cancelled timeouts (the common case: runs finish in time) must not pile up in the queue.
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable action) {
    ScheduledFuture<?> future = executor.schedule(() -> {
      try {
        action.run();
      } catch (RuntimeException | Error e) {
        LOG.error("scheduled action failed", e);
      }
    }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }
}
