package dev.ccs.core.ratelimit;

import dev.ccs.core.time.Ticker;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket per key: {@code burst} requests at once, refilled at {@code rate} requests per
 * {@code window}. Each key is one number, the time at which its bucket will be full again (the
 * generic cell rate algorithm), updated without locks. A key whose bucket is full holds nothing
 * worth keeping, so such keys are swept out as the table grows; when {@code maxKeys} keys are busy
 * at once, newcomers share one bucket, so that a flood of distinct addresses is limited as one
 * client and memory stays bounded.
 */
public final class RateLimiter {

  /** The bucket newcomers share when the table is full. */
  static final String OVERFLOW = "\u0000overflow";
  private static final int FIRST_SWEEP = 1024;

  private final long burst;
  private final long intervalNanos;
  private final long toleranceNanos;
  private final int maxKeys;
  private final Ticker ticker;
  private final Map<String, AtomicLong> buckets = new ConcurrentHashMap<>();
  private final AtomicLong nextSweep;
  private volatile int sweepAt;

  /**
   * @param rate requests per {@code window} in the long run
   * @param window the period of {@code rate}
   * @param burst requests allowed at once (at least 1)
   * @param maxKeys keys tracked at once before newcomers share a bucket
   */
  public RateLimiter(long rate, Duration window, long burst, int maxKeys, Ticker ticker) {
    if (rate < 1 || burst < 1 || window.isNegative() || window.isZero() || maxKeys < 1) {
      throw new IllegalArgumentException("rate, burst, window and maxKeys must be positive");
    }
    this.burst = burst;
    this.intervalNanos = Math.max(1, window.toNanos() / rate);
    this.toleranceNanos = intervalNanos * (burst - 1);
    this.maxKeys = maxKeys;
    this.ticker = ticker;
    this.nextSweep = new AtomicLong(ticker.read());
    this.sweepAt = Math.min(FIRST_SWEEP, maxKeys);
  }

  /** Takes one request from {@code key}'s bucket. */
  public RateDecision acquire(String key) {
    return take(key, 1);
  }

  /**
   * Takes {@code cost} requests from {@code key}'s bucket, all or none (a failed login may cost
   * more than one request).
   */
  public RateDecision take(String key, int cost) {
    long now = ticker.read();
    AtomicLong bucket = bucket(key, now);
    long increment = intervalNanos * cost;
    while (true) {
      long full = bucket.get();
      long start = full - now < 0 ? now : full;
      long after = start + increment;
      long wait = after - now - toleranceNanos - intervalNanos;
      if (wait > 0) {
        return new RateDecision(false, burst, remaining(start, now), Duration.ofNanos(start - now),
            Duration.ofNanos(wait));
      }
      if (bucket.compareAndSet(full, after)) {
        return new RateDecision(true, burst, remaining(after, now), Duration.ofNanos(after - now), Duration.ZERO);
      }
    }
  }

  /** Adds {@code cost} requests to {@code key}'s bucket even if that overdraws it (charging a refused attempt). */
  public void charge(String key, int cost) {
    long now = ticker.read();
    bucket(key, now).accumulateAndGet(intervalNanos * cost, (full, increment) -> (full - now < 0 ? now : full) + increment);
  }

  private long remaining(long full, long now) {
    long used = Math.max(0, full - now);
    return Math.max(0, burst - ceilDiv(used, intervalNanos));
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private AtomicLong bucket(String key, long now) {
    AtomicLong bucket = buckets.get(key);
    if (bucket != null) {
      return bucket;
    }
    if (buckets.size() >= sweepAt) {
      sweep(now);
      if (buckets.size() >= maxKeys) {
        return buckets.computeIfAbsent(OVERFLOW, k -> new AtomicLong(now));
      }
    }
    return buckets.computeIfAbsent(key, k -> new AtomicLong(now));
  }

  /** Removes the keys whose buckets are full, at most once per refill interval of one request. */
  private void sweep(long now) {
    long due = nextSweep.get();
    if (now - due < 0 || !nextSweep.compareAndSet(due, now + intervalNanos)) {
      return;
    }
    for (Iterator<AtomicLong> it = buckets.values().iterator(); it.hasNext(); ) {
      if (it.next().get() - now <= 0) {
        it.remove();
      }
    }
    // Sweep again when the table has doubled since: the cost of sweeping stays proportional to growth.
    sweepAt = Math.min(maxKeys, Math.max(FIRST_SWEEP, buckets.size() * 2));
  }

  /** Keys tracked now (for tests and metrics). */
  public int trackedKeys() {
    return buckets.size();
  }
}
