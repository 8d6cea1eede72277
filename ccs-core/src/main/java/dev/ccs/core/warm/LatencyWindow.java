package dev.ccs.core.warm;

import java.time.Duration;
import java.util.Arrays;

/** The last {@value #SIZE} durations of one kind of turn, and how many there were in all. */
final class LatencyWindow {

  static final int SIZE = 1024;

  private final long[] nanos = new long[SIZE];
  private long count;

  synchronized void add(Duration duration) {
    nanos[(int) (count++ % SIZE)] = duration.toNanos();
  }

  synchronized long count() {
    return count;
  }

  synchronized WarmStatus.Latency summary() {
    int n = (int) Math.min(count, SIZE);
    if (n == 0) {
      return new WarmStatus.Latency(0, Duration.ZERO, Duration.ZERO);
    }
    long[] sorted = Arrays.copyOf(nanos, n);
    Arrays.sort(sorted);
    return new WarmStatus.Latency(count, Duration.ofNanos(sorted[(n - 1) / 2]),
        Duration.ofNanos(sorted[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)]));
  }
}
