package dev.ccs.core.time;

import java.time.Duration;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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

/**
 * A timer thread that does not wake up for each new timeout. Most scheduled actions are deadlines
 * far ahead (a run's timeout, a grace period) that are cancelled long before they are due; a
 * {@code ScheduledThreadPoolExecutor} signals its thread whenever such an action becomes the
 * earliest, and those wake-ups cost a measurable part of a short run. Here the thread sleeps until
 * its next planned wake-up and is only woken early for an action due before that.
 */
enum SystemScheduler implements Scheduler {
  INSTANCE;

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  /** Longest sleep of the timer thread; bounds the error of a clock that jumps. */
  private static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

  private record Entry(long due, long sequence, Runnable action) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry other) {
      int byDue = Long.compare(due, other.due);
      return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
    }
  }

  private final ConcurrentSkipListSet<Entry> queue = new ConcurrentSkipListSet<>();
  private final AtomicLong sequence = new AtomicLong();
  private final Thread thread;
  private volatile long plannedWake = Long.MAX_VALUE;

  SystemScheduler() {
    thread = new Thread(this::loop, "ccs-scheduler");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable action) {
    Entry entry = new Entry(System.nanoTime() + Math.max(0, delay.toNanos()), sequence.incrementAndGet(), action);
    queue.add(entry);
    if (entry.due - plannedWake < 0) {
      LockSupport.unpark(thread);
    }
    return () -> queue.remove(entry);
  }

  private void loop() {
    while (true) {
      long now = System.nanoTime();
      Entry first;
      while ((first = firstOrNull()) != null && first.due - now <= 0) {
        if (queue.remove(first)) {
          run(first.action);
        }
        now = System.nanoTime();
      }
      long sleep = first == null ? MAX_SLEEP_NANOS : Math.min(MAX_SLEEP_NANOS, first.due - now);
      plannedWake = now + sleep;
      // Re-check after publishing the plan: an entry added in between may not have unparked us.
      Entry head = firstOrNull();
      if (head != null && head.due - plannedWake < 0) {
        continue;
      }
      LockSupport.parkNanos(this, sleep);
    }
  }

  private Entry firstOrNull() {
    try {
      return queue.first();
    } catch (java.util.NoSuchElementException e) {
      return null;
    }
  }

  private static void run(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException | Error e) {
      LOG.error("scheduled action failed", e);
    }
  }
}
