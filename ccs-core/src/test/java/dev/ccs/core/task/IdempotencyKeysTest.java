package dev.ccs.core.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.testing.MutableClock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

  private final MutableClock clock = MutableClock.startingAt("2026-11-23T09:00:00Z");

  @Test
  void aKeyCountsForTwentyFourHours() {
    IdempotencyKeys keys = new IdempotencyKeys(100, clock);
    UUID task = UUID.randomUUID();
    keys.remember("k", task, clock.instant());
    clock.advance(Duration.ofHours(23));
    assertThat(keys.find("k")).contains(task);
    clock.advance(Duration.ofHours(1));
    assertThat(keys.find("k")).isEmpty();
    assertThat(keys.size()).isZero();
  }

  @Test
  void atMostMaxKeysAreKeptAndTheOldestGoFirst() {
    IdempotencyKeys keys = new IdempotencyKeys(3, clock);
    for (int i = 0; i < 5; i++) {
      keys.remember("k" + i, UUID.randomUUID(), clock.instant());
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(keys.size()).isEqualTo(3);
    assertThat(keys.find("k0")).isEmpty();
    assertThat(keys.find("k1")).isEmpty();
    assertThat(keys.find("k4")).isPresent();
    // A key from before the window is not remembered at all.
    keys.remember("old", UUID.randomUUID(), clock.instant().minus(Duration.ofDays(2)));
    assertThat(keys.find("old")).isEmpty();
  }
}
