package dev.ccs.core.exec;

import dev.ccs.core.protocol.ResultMessage;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * The end of a run, as a value. A failed run is not an exception: the status says what happened,
 * and whatever the CLI reported (a result line can arrive before a failure) is kept.
 *
 * @param status how the run ended
 * @param result the result line, or null if the CLI printed none (a run cancelled or timed out
 *     before its result has none either)
 * @param cliSessionId the CLI session id the run used, from its output; null if it printed none
 * @param exitCode the process's exit code, or null if it never started
 * @param duration wall time from start to the end of the process
 * @param stderrTail the last part of stderr, with secrets removed
 * @param message what went wrong, for people; null on success
 */
public record RunOutcome(RunStatus status, ResultMessage result, String cliSessionId, Integer exitCode,
    Duration duration, String stderrTail, String message) {

  public RunOutcome {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(duration, "duration");
    stderrTail = stderrTail == null ? "" : stderrTail;
  }

  public boolean succeeded() {
    return status.succeeded();
  }

  /**
   * The machine-readable reason of a failed run, as the API's {@code code} and a task's
   * {@code error_code}: {@code timeout}, {@code cli_crashed}, {@code cancelled},
   * {@code cli_unavailable}, {@code max_budget_reached}, {@code max_turns_reached},
   * {@code api_error} or {@code cli_error}; null for a run that succeeded.
   */
  public String errorCode() {
    return switch (status) {
      case SUCCEEDED -> null;
      case TIMED_OUT -> "timeout";
      case CRASHED -> "cli_crashed";
      case CANCELLED -> "cancelled";
      case START_FAILED -> "cli_unavailable";
      default -> resultErrorCode();
    };
  }

  private String resultErrorCode() {
    if (result != null) {
      if ("error_max_budget_usd".equals(result.subtype())) {
        return "max_budget_reached";
      }
      if ("error_max_turns".equals(result.subtype())) {
        return "max_turns_reached";
      }
      if (result.apiErrorStatus() != null) {
        return "api_error";
      }
    }
    return "cli_error";
  }

  /** The CLI's running cost total at the end of this run, or null without a result line. */
  public BigDecimal totalCostUsd() {
    return result == null ? null : result.totalCostUsd();
  }
}
