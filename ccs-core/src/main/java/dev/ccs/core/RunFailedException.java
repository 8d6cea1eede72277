package dev.ccs.core;

import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import java.math.BigDecimal;

/**
 * The CLI ran but did not answer: an error result (API error, max turns, budget) or a crash. The
 * outcome, and what the run cost (it may have been billed), travel with it.
 */
public final class RunFailedException extends CcsException {

  private final RunOutcome outcome;
  private final BigDecimal costUsd;
  private final String sessionId;

  public RunFailedException(RunOutcome outcome, BigDecimal costUsd, String sessionId) {
    super(codeOf(outcome), outcome.message() == null ? "Claude CLI failed" : outcome.message());
    this.outcome = outcome;
    this.costUsd = costUsd;
    this.sessionId = sessionId;
  }

  private static String codeOf(RunOutcome outcome) {
    if (outcome.status() == RunStatus.TIMED_OUT) {
      return "timeout";
    }
    if (outcome.status() == RunStatus.CRASHED) {
      return "cli_crashed";
    }
    if (outcome.status() == RunStatus.CANCELLED) {
      return "cancelled";
    }
    if (outcome.status() == RunStatus.START_FAILED) {
      return "cli_unavailable";
    }
    if (outcome.result() != null) {
      String subtype = outcome.result().subtype();
      if ("error_max_budget_usd".equals(subtype)) {
        return "max_budget_reached";
      }
      if ("error_max_turns".equals(subtype)) {
        return "max_turns_reached";
      }
      if (outcome.result().apiErrorStatus() != null) {
        return "api_error";
      }
    }
    return "cli_error";
  }

  public RunOutcome outcome() {
    return outcome;
  }

  /** What this run cost, as far as the CLI reported it; zero when it reported nothing. */
  public BigDecimal costUsd() {
    return costUsd;
  }

  /** The server session the run belonged to, or null. */
  public String sessionId() {
    return sessionId;
  }

  public boolean timedOut() {
    return outcome.status() == RunStatus.TIMED_OUT;
  }
}
