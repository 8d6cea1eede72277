package dev.ccs.core.balance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The health of one provider as a circuit breaker. Closed: runs go through, consecutive provider
 * failures are counted. Open (after {@code failureThreshold} of them in a row): no run goes, until
 * {@code recoveryTimeout} has passed. Half-open: one probe run is let through; its success closes
 * the breaker, its failure opens it again for another {@code recoveryTimeout}. Thread-safe; time
 * comes from the given clock.
 */
public final class CircuitBreaker {

  /** Where a breaker is. */
  public enum State {
    CLOSED, OPEN, HALF_OPEN;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What a breaker is, for status answers. */
  public record Snapshot(State state, int consecutiveFailures, Instant openedAt) {
  }

  private final int failureThreshold;
  private final Duration recoveryTimeout;
  private final Clock clock;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private Instant openedAt;
  private boolean probeInFlight;

  public CircuitBreaker(int failureThreshold, Duration recoveryTimeout, Clock clock) {
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failureThreshold must be at least 1");
    }
    this.failureThreshold = failureThreshold;
    this.recoveryTimeout = recoveryTimeout;
    this.clock = clock;
  }

  /**
   * Whether a run may go to this provider now. An open breaker whose rest is over becomes half-open
   * and lets this one run through as its probe; the caller must then report its outcome.
   */
  public synchronized boolean tryAcquire() {
    switch (state) {
      case CLOSED:
        return true;
      case OPEN:
        if (clock.instant().isBefore(openedAt.plus(recoveryTimeout))) {
          return false;
        }
        state = State.HALF_OPEN;
        probeInFlight = true;
        return true;
      default:
        if (probeInFlight) {
          return false;
        }
        probeInFlight = true;
        return true;
    }
  }

  /** Whether {@link #tryAcquire} would let a run through now (without taking the probe). */
  public synchronized boolean available() {
    return switch (state) {
      case CLOSED -> true;
      case OPEN -> !clock.instant().isBefore(openedAt.plus(recoveryTimeout));
      case HALF_OPEN -> !probeInFlight;
    };
  }

  /** A run on this provider reached the model and got an answer from it. */
  public synchronized void onSuccess() {
    state = State.CLOSED;
    consecutiveFailures = 0;
    openedAt = null;
    probeInFlight = false;
  }

  /** A run on this provider failed because of the provider (see {@link ProviderFailures}). */
  public synchronized void onFailure() {
    consecutiveFailures++;
    if (state == State.HALF_OPEN || (state == State.CLOSED && consecutiveFailures >= failureThreshold)) {
      open();
    }
  }

  /**
   * A run let through ended without telling anything about the provider (cancelled, a tool error):
   * a probe is given back, so that the next run can probe instead.
   */
  public synchronized void onNeutral() {
    probeInFlight = false;
  }

  /** Back to closed, counts cleared (an operator's reset). */
  public synchronized void reset() {
    onSuccess();
  }

  /**
   * Back where a stored snapshot left it (a restart). A probe that was in flight when the server
   * stopped never reported: the breaker is open again from the same moment, so the next run after
   * the rest probes.
   */
  public synchronized void restore(Snapshot saved) {
    consecutiveFailures = saved.consecutiveFailures();
    probeInFlight = false;
    if (saved.state() == State.CLOSED || saved.openedAt() == null) {
      state = State.CLOSED;
      openedAt = null;
    } else {
      state = State.OPEN;
      openedAt = saved.openedAt();
    }
  }

  public synchronized Snapshot snapshot() {
    return new Snapshot(state, consecutiveFailures, openedAt);
  }

  private void open() {
    state = State.OPEN;
    openedAt = clock.instant();
    probeInFlight = false;
  }
}
