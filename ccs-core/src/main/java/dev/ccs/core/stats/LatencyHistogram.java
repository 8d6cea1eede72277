package dev.ccs.core.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * Durations in the fixed buckets Prometheus clients use by default (5 ms to 10 s) stretched to 10
 * minutes, for runs as for HTTP requests: lock-free, so recording costs a few nanoseconds.
 */
public final class LatencyHistogram {

  /** Upper bounds in seconds; a last bucket (+Inf) holds the rest. */
  public static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
      600};

  /** Cumulative counts per bound (then +Inf), the sum in seconds, the count. */
  public record Snapshot(long[] cumulative, double sumSeconds, long count) {
  }

  private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
  private final LongAdder sumNanos = new LongAdder();

  public LatencyHistogram() {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  public void observe(long nanos) {
    double seconds = nanos / 1e9;
    int i = 0;
    while (i < BOUNDS.length && seconds > BOUNDS[i]) {
      i++;
    }
    buckets[i].increment();
    sumNanos.add(nanos);
  }

  public Snapshot snapshot() {
    long[] cumulative = new long[buckets.length];
    long running = 0;
    for (int i = 0; i < buckets.length; i++) {
      running += buckets[i].sum();
      cumulative[i] = running;
    }
    return new Snapshot(cumulative, sumNanos.sum() / 1e9, running);
  }
}
