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

  /** The CLI's running cost total at the end of this run, or null without a result line. */
  public BigDecimal totalCostUsd() {
    return result == null ? null : result.totalCostUsd();
  }
}
