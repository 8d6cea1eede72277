package dev.ccs.core.task;

import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.time.Backoff;
import java.time.Duration;
import java.util.Set;

/**
 * Whether a failed run of a task is tried again: only when the API refused it for a passing reason
 * (rate limit, overload, a server error), at most {@code taskQueue.retries} times, each after a
 * longer wait. A pure decision, from the outcome and the attempt count.
 */
final class RetryPolicy {

  /** API statuses worth another attempt: rate limit, server errors, overload. */
  static final Set<Integer> RETRYABLE = Set.of(429, 500, 502, 503, 504, 529);
  static final Duration MAX_WAIT = Duration.ofMinutes(5);

  private final int retries;
  private final Backoff backoff;

  RetryPolicy(int retries, Duration firstWait) {
    this.retries = retries;
    this.backoff = new Backoff(firstWait, MAX_WAIT);
  }

  /**
   * What follows a failed run.
   *
   * @param attempts runs of the task so far, the failed one included (1 after the first)
   */
  Decision decide(RunOutcome outcome, int attempts) {
    boolean retryable = outcome.status() == RunStatus.ERROR_RESULT && outcome.result() != null
        && outcome.result().apiErrorStatus() != null && RETRYABLE.contains(outcome.result().apiErrorStatus());
    if (retryable && attempts <= retries) {
      return new Decision(backoff.after(attempts), false);
    }
    // Dead letter: it would have been retried, but the retries are spent.
    return new Decision(null, retryable && retries > 0);
  }

  /**
   * @param retryAfter the wait before the next attempt, or null when the task fails now
   * @param deadLetter whether it fails for good after exhausting its retries
   */
  record Decision(Duration retryAfter, boolean deadLetter) {
    boolean retry() {
      return retryAfter != null;
    }
  }
}
