package dev.ccs.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.testing.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final ManualScheduler time = new ManualScheduler();

  @Test
  void allowsTheBurstThenRefillsAtTheRate() {
    RateLimiter limiter = new RateLimiter(60, Duration.ofMinutes(1), 5, 1000, time);

    for (int i = 4; i >= 0; i--) {
      RateDecision d = limiter.acquire("k");
      assertThat(d.allowed()).isTrue();
      assertThat(d.remaining()).isEqualTo(i);
      assertThat(d.limit()).isEqualTo(5);
    }
    RateDecision refused = limiter.acquire("k");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(refused.reset()).isEqualTo(Duration.ofSeconds(5));

    time.advance(Duration.ofMillis(999));
    assertThat(limiter.acquire("k").allowed()).isFalse();
    time.advance(Duration.ofMillis(1));
    assertThat(limiter.acquire("k").allowed()).isTrue();
    assertThat(limiter.acquire("k").allowed()).isFalse();
    // Other keys have their own buckets.
    assertThat(limiter.acquire("other").allowed()).isTrue();
  }

  @Test
  void aChargeOverdrawsTheBucket() {
    RateLimiter limiter = new RateLimiter(10, Duration.ofSeconds(10), 10, 1000, time);
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.acquire("guesser").allowed()).isTrue();
      limiter.charge("guesser", 1); // each failed attempt counts double
    }
    assertThat(limiter.acquire("guesser").allowed()).isFalse();
    time.advance(Duration.ofSeconds(1));
    assertThat(limiter.acquire("guesser").allowed()).isTrue();
  }

  @Test
  void memoryStaysBoundedUnderAFloodOfDistinctAddresses() {
    RateLimiter limiter = new RateLimiter(100, Duration.ofMinutes(1), 100, 10_000, time);
    for (int i = 0; i < 100_000; i++) {
      limiter.acquire("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
      if (i % 1000 == 999) {
        time.advance(Duration.ofMillis(100));
      }
    }
    assertThat(limiter.trackedKeys()).as("tracked keys").isLessThanOrEqualTo(10_001);

    // Idle buckets refill and are swept out as new keys arrive.
    time.advance(Duration.ofMinutes(1));
    for (int i = 0; i < 2000; i++) {
      limiter.acquire("fresh-" + i);
    }
    assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(2_001);
  }

  @Test
  void newcomersShareOneBucketWhenTheTableIsFull() {
    RateLimiter limiter = new RateLimiter(1, Duration.ofHours(1), 1, 2, time);
    assertThat(limiter.acquire("a").allowed()).isTrue();
    assertThat(limiter.acquire("b").allowed()).isTrue();
    // Both buckets are in use: "c" and "d" share the overflow bucket, which allows one request.
    assertThat(limiter.acquire("c").allowed()).isTrue();
    assertThat(limiter.acquire("d").allowed()).isFalse();
    assertThat(limiter.trackedKeys()).isEqualTo(3);
  }
}
