package dev.ccs.core.task;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The queue at one moment.
 *
 * @param started whether the queue starts tasks (false before the engine's start and once it stops)
 * @param counts tasks per status
 * @param running ids of the tasks whose CLI process runs now (at most {@code concurrency})
 * @param oldestPendingAge how long the oldest waiting task has waited, or null when none waits
 * @param totalCostUsd what all stored tasks cost
 * @param deadLetters tasks that failed for good after their retries
 */
public record QueueStatus(boolean started, Map<TaskStatus, Integer> counts, List<UUID> running, int concurrency, int total,
    Duration oldestPendingAge, BigDecimal totalCostUsd, int deadLetters) {
}
