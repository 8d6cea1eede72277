package dev.ccs.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.balance.CircuitBreaker.State;
import dev.ccs.core.testing.MutableClock;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private static final Duration RECOVERY = Duration.ofSeconds(60);
  private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");

  @Test
  void opensAfterTheThresholdOfFailuresInARowAndProbesOnceAfterTheRecoveryTimeout() {
    CircuitBreaker breaker = new CircuitBreaker(3, RECOVERY, clock);
    breaker.onFailure();
    breaker.onFailure();
    breaker.onSuccess(); // a success in between starts the count again
    breaker.onFailure();
    breaker.onFailure();
    assertThat(breaker.snapshot().state()).isEqualTo(State.CLOSED);
    breaker.onFailure();
    assertThat(breaker.snapshot().state()).isEqualTo(State.OPEN);
    assertThat(breaker.tryAcquire()).isFalse();

    clock.advance(RECOVERY.minusMillis(1));
    assertThat(breaker.tryAcquire()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(breaker.available()).isTrue();
    assertThat(breaker.tryAcquire()).as("the probe").isTrue();
    assertThat(breaker.snapshot().state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.tryAcquire()).as("a second run while the probe runs").isFalse();

    breaker.onFailure();
    assertThat(breaker.snapshot().state()).as("a failed probe").isEqualTo(State.OPEN);
    clock.advance(RECOVERY);
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onSuccess();
    assertThat(breaker.snapshot()).isEqualTo(new CircuitBreaker.Snapshot(State.CLOSED, 0, null));
  }

  @Test
  void aNeutralProbeGivesItsPlaceBack() {
    CircuitBreaker breaker = new CircuitBreaker(1, RECOVERY, clock);
    breaker.onFailure();
    clock.advance(RECOVERY);
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onNeutral();
    assertThat(breaker.snapshot().state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.tryAcquire()).isFalse();
  }

  /**
   * Random runs against a model of the rules: whatever the sequence, the breaker lets a run through
   * exactly when the model says so, never two probes at once, and opens exactly at the threshold.
   */
  @Test
  void randomSequencesFollowTheRules() {
    for (long seed = 0; seed < 200; seed++) {
      Random random = new Random(seed);
      int threshold = 1 + random.nextInt(4);
      CircuitBreaker breaker = new CircuitBreaker(threshold, RECOVERY, clock);
      Model model = new Model(threshold);
      boolean acquired = false;
      for (int step = 0; step < 300; step++) {
        switch (random.nextInt(5)) {
          case 0 -> clock.advance(Duration.ofSeconds(random.nextInt(40)));
          case 1 -> {
            boolean allowed = breaker.tryAcquire();
            assertThat(allowed).as("seed %d step %d", seed, step).isEqualTo(model.tryAcquire(clock.millis()));
            acquired |= allowed;
          }
          case 2 -> {
            if (acquired) {
              breaker.onSuccess();
              model.success();
              acquired = false;
            }
          }
          case 3 -> {
            if (acquired) {
              breaker.onFailure();
              model.failure(clock.millis());
              acquired = false;
            }
          }
          default -> {
            if (acquired) {
              breaker.onNeutral();
              model.neutral();
              acquired = false;
            }
          }
        }
        assertThat(breaker.snapshot().state()).as("seed %d step %d", seed, step).isEqualTo(model.state);
      }
    }
  }

  /** The rules, written out plainly. */
  private static final class Model {
    final int threshold;
    State state = State.CLOSED;
    int failures;
    long openedAt;
    boolean probe;

    Model(int threshold) {
      this.threshold = threshold;
    }

    boolean tryAcquire(long now) {
      if (state == State.CLOSED) {
        return true;
      }
      if (state == State.OPEN && now - openedAt >= RECOVERY.toMillis()) {
        state = State.HALF_OPEN;
        probe = true;
        return true;
      }
      if (state == State.HALF_OPEN && !probe) {
        probe = true;
        return true;
      }
      return false;
    }

    void success() {
      state = State.CLOSED;
      failures = 0;
      probe = false;
    }

    void failure(long now) {
      failures++;
      if (state == State.HALF_OPEN || (state == State.CLOSED && failures >= threshold)) {
        state = State.OPEN;
        openedAt = now;
        probe = false;
      }
    }

    void neutral() {
      probe = false;
    }
  }
}
