package dev.ccs.core.testing;

import dev.ccs.core.time.Cancellable;
import dev.ccs.core.time.Scheduler;
import dev.ccs.core.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} and {@link Ticker} on a virtual timeline: nothing runs until a test calls
 * {@link #advance(Duration)}, which moves time forward and runs every action that became due, in
 * order, on the calling thread. An optional {@link MutableClock} is moved along with it.
 */
public final class ManualScheduler implements Scheduler, Ticker {

  private record Entry(long dueNanos, long sequence, Runnable action) {
  }

  private final PriorityQueue<Entry> queue = new PriorityQueue<>(
      Comparator.comparingLong(Entry::dueNanos).thenComparingLong(Entry::sequence));
  private final MutableClock clock;
  private long nowNanos;
  private long sequence;

  public ManualScheduler() {
    this(null);
  }

  public ManualScheduler(MutableClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable action) {
    Entry entry = new Entry(nowNanos + Math.max(0, delay.toNanos()), sequence++, action);
    queue.add(entry);
    return () -> {
      synchronized (ManualScheduler.this) {
        queue.remove(entry);
      }
    };
  }

  @Override
  public synchronized long read() {
    return nowNanos;
  }

  /** Actions waiting to run. */
  public synchronized int pending() {
    return queue.size();
  }

  /** Moves time forward by {@code duration}, running every action due by then (and those they schedule). */
  public void advance(Duration duration) {
    long target;
    synchronized (this) {
      target = nowNanos + duration.toNanos();
    }
    while (true) {
      Entry next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.dueNanos() > target) {
          moveTo(target);
          return;
        }
        queue.poll();
        moveTo(next.dueNanos());
      }
      next.action().run();
    }
  }

  /** Runs every action due now without moving time. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  private void moveTo(long nanos) {
    if (clock != null && nanos > nowNanos) {
      clock.advance(Duration.ofNanos(nanos - nowNanos));
    }
    nowNanos = Math.max(nowNanos, nanos);
  }

  /** Descriptions of pending actions' due times, for assertion messages. */
  public synchronized List<Duration> dueTimes() {
    List<Duration> result = new ArrayList<>();
    queue.stream().sorted(Comparator.comparingLong(Entry::dueNanos))
        .forEach(e -> result.add(Duration.ofNanos(e.dueNanos() - nowNanos)));
    return result;
  }
}
