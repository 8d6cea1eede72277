package dev.ccs.core.exec;

import dev.ccs.core.error.CcsException;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * The CLI ran but did not answer: an error result (API error, max turns, budget) or a crash. The
 * outcome, and what the run cost (it may have been billed), travel with it.
 */
public final class RunFailedException extends CcsException {

  private final RunOutcome outcome;
  private final BigDecimal costUsd;
  private final String sessionId;

  public RunFailedException(RunOutcome outcome, BigDecimal costUsd, String sessionId) {
    super(Objects.requireNonNullElse(outcome.errorCode(), "cli_error"),
        Objects.requireNonNullElse(outcome.message(), "Claude CLI failed"));
    this.outcome = outcome;
    this.costUsd = costUsd;
    this.sessionId = sessionId;
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
