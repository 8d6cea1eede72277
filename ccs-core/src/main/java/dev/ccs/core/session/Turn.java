package dev.ccs.core.session;

import dev.ccs.core.exec.RunOutcome;
import java.math.BigDecimal;

/**
 * A finished turn: the session after it, how the run ended, and what it cost.
 *
 * @param costUsd what this run cost (the CLI reports a running total)
 */
public record Turn(Session session, RunOutcome outcome, BigDecimal costUsd) {
}
