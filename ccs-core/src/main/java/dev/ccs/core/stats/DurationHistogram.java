package dev.ccs.core.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;

/**
 * Run durations in fixed logarithmic buckets, eight per doubling from 1 ms to about 4.6 hours (and
 * one bucket past that): mergeable by adding counts, constant size, and a percentile read from it is
 * the geometric middle of its bucket, within 4.4 % of the true value. Not thread-safe.
 */
final class DurationHistogram {

  static final int PER_DOUBLING = 8;
  static final int BUCKETS = 24 * PER_DOUBLING + 1;

  private final long[] counts = new long[BUCKETS];
  private long total;

  /** The bucket of a duration: 0 for under 1 ms, the last one for about 4.6 h and more. */
  static int bucket(long millis) {
    if (millis < 1) {
      return 0;
    }
    int index = (int) Math.floor(Math.log(millis) / Math.log(2) * PER_DOUBLING) + 1;
    return Math.min(index, BUCKETS - 1);
  }

  /** The geometric middle of a bucket, in milliseconds. */
  static double middle(int bucket) {
    if (bucket == 0) {
      return 0.5;
    }
    return Math.pow(2, (bucket - 0.5) / PER_DOUBLING);
  }

  void add(long millis) {
    counts[bucket(millis)]++;
    total++;
  }

  void addAll(DurationHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
  }

  long count() {
    return total;
  }

  /** The {@code quantile} (0-1) of the durations added, in milliseconds; 0 when none were. */
  long percentile(double quantile) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(quantile * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.round(middle(i));
      }
    }
    return Math.round(middle(BUCKETS - 1));
  }

  /** Sparse: bucket index to count. */
  ObjectNode toJson() {
    ObjectNode node = Json.object();
    for (int i = 0; i < BUCKETS; i++) {
      if (counts[i] > 0) {
        node.put(Integer.toString(i), counts[i]);
      }
    }
    return node;
  }

  static DurationHistogram fromJson(JsonNode node) {
    DurationHistogram histogram = new DurationHistogram();
    if (node != null) {
      node.fields().forEachRemaining(e -> {
        int i = Integer.parseInt(e.getKey());
        if (i >= 0 && i < BUCKETS) {
          histogram.counts[i] += e.getValue().asLong();
          histogram.total += e.getValue().asLong();
        }
      });
    }
    return histogram;
  }
}
