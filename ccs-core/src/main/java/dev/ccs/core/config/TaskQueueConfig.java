package dev.ccs.core.config;

import java.time.Duration;

/**
 * The async task queue: how many tasks run at once and how long one may run.
 *
 * @param concurrency tasks running at the same time, 1-10 (config {@code taskQueue.concurrency})
 * @param defaultTimeout wall-clock limit of one task unless the task sets its own
 *     (config {@code taskQueue.defaultTimeout}, milliseconds)
 */
public record TaskQueueConfig(int concurrency, Duration defaultTimeout) {

  public static final TaskQueueConfig DEFAULT = new TaskQueueConfig(3, Duration.ofMinutes(5));

  public TaskQueueConfig {
    Checks.range("taskQueue.concurrency", concurrency, 1, 10);
    Checks.positive("taskQueue.defaultTimeout", defaultTimeout);
  }
}
