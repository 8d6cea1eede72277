package dev.ccs.core.config;

import java.time.Duration;

/**
 * The async task queue.
 *
 * @param concurrency tasks running at the same time, 1-10 (config {@code taskQueue.concurrency})
 * @param defaultTimeout wall-clock limit of one task unless the task sets its own
 *     (config {@code taskQueue.defaultTimeout}, milliseconds)
 * @param retries further attempts of a task that failed in a way worth retrying (API overload, a
 *     5xx or 429 from the API), config {@code taskQueue.retries}; 0 retries nothing
 * @param retryBackoff wait before the first retry, doubled for each further one (with jitter, at
 *     most 5 minutes), config {@code taskQueue.retryBackoff} (milliseconds)
 * @param requeueInterrupted what happens to a task that was running when the server stopped:
 *     {@code true} (config {@code taskQueue.onInterrupted: "requeue"}) runs it again, at most three
 *     times, after its leftover processes are ended; {@code false} ({@code "fail"}) fails it with
 *     reason "interrupted"
 * @param maxPending tasks waiting to run (not yet started, or waiting for a retry), config
 *     {@code taskQueue.maxPending}; a submission beyond it is refused with 503 and nothing is stored
 * @param maxIdempotencyKeys {@code Idempotency-Key}s remembered (each for 24 hours), config
 *     {@code taskQueue.maxIdempotencyKeys}; beyond it the oldest is forgotten first
 */
public record TaskQueueConfig(int concurrency, Duration defaultTimeout, int retries, Duration retryBackoff,
    boolean requeueInterrupted, int maxPending, int maxIdempotencyKeys) {

  public static final TaskQueueConfig DEFAULT =
      new TaskQueueConfig(3, Duration.ofMinutes(5), 0, Duration.ofSeconds(2), true, 1000, 10_000);

  public TaskQueueConfig {
    Checks.range("taskQueue.concurrency", concurrency, 1, 10);
    Checks.positive("taskQueue.defaultTimeout", defaultTimeout);
    Checks.range("taskQueue.retries", retries, 0, 20);
    Checks.positive("taskQueue.retryBackoff", retryBackoff);
    Checks.range("taskQueue.maxPending", maxPending, 1, 10_000_000);
    Checks.range("taskQueue.maxIdempotencyKeys", maxIdempotencyKeys, 1, 10_000_000);
  }

  /** The same with the default {@code maxPending} and {@code maxIdempotencyKeys}. */
  public TaskQueueConfig(int concurrency, Duration defaultTimeout, int retries, Duration retryBackoff,
      boolean requeueInterrupted) {
    this(concurrency, defaultTimeout, retries, retryBackoff, requeueInterrupted, DEFAULT.maxPending,
        DEFAULT.maxIdempotencyKeys);
  }

  /** A config with the given concurrency and timeout and the other defaults. */
  public static TaskQueueConfig of(int concurrency, Duration defaultTimeout) {
    return new TaskQueueConfig(concurrency, defaultTimeout, DEFAULT.retries, DEFAULT.retryBackoff,
        DEFAULT.requeueInterrupted, DEFAULT.maxPending, DEFAULT.maxIdempotencyKeys);
  }

  /** The same with another {@code maxPending}. */
  public TaskQueueConfig withMaxPending(int value) {
    return new TaskQueueConfig(concurrency, defaultTimeout, retries, retryBackoff, requeueInterrupted, value,
        maxIdempotencyKeys);
  }
}
