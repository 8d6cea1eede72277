package dev.ccs.core.task;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * Counts over every stored task, kept up to date as tasks change so that reading them costs the
 * same at a hundred thousand tasks as at ten.
 *
 * @param counts tasks per status (every status present)
 * @param total all tasks
 * @param totalCostUsd what they cost together
 * @param deadLetters failed tasks that exhausted their retries
 * @param oldestPendingCreatedAt when the oldest waiting task was submitted, or null when none waits
 */
public record TaskSummary(Map<TaskStatus, Integer> counts, int total, BigDecimal totalCostUsd, int deadLetters,
    Instant oldestPendingCreatedAt) {

  public TaskSummary {
    counts = Map.copyOf(counts);
  }
}
