package dev.ccs.core.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * How a task ends: its final status and what is recorded with it.
 *
 * @param cost what the last run cost (added to the task's earlier attempts)
 * @param usage the last run's token counts, or null
 * @param durationMs the last run's wall time, or null when none ran
 * @param deadLetter whether it failed for good after its retries
 */
record Ending(TaskStatus status, String result, String error, String code, BigDecimal cost, JsonNode usage,
    Long durationMs, boolean deadLetter) {

  static final Ending CANCELLED = cancelled(BigDecimal.ZERO, null, null);

  static Ending completed(String result, BigDecimal cost, JsonNode usage, long durationMs) {
    return new Ending(TaskStatus.COMPLETED, result, null, null, cost, usage, durationMs, false);
  }

  static Ending timedOut(BigDecimal cost, JsonNode usage, long durationMs) {
    return new Ending(TaskStatus.TIMEOUT, null, "Task execution timeout", "timeout", cost, usage, durationMs, false);
  }

  static Ending cancelled(BigDecimal cost, JsonNode usage, Long durationMs) {
    return new Ending(TaskStatus.CANCELLED, null, "The task was cancelled", "cancelled", cost, usage, durationMs,
        false);
  }

  /** Failed before or without a run. */
  static Ending failed(String error, String code) {
    return new Ending(TaskStatus.FAILED, null, error, code, BigDecimal.ZERO, null, null, false);
  }

  static Ending failed(String error, String code, BigDecimal cost, JsonNode usage, long durationMs,
      boolean deadLetter) {
    return new Ending(TaskStatus.FAILED, null, error, code, cost, usage, durationMs, deadLetter);
  }
}
