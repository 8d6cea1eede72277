package dev.ccs.core.message;

import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.protocol.Usage;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * The answer to a prompt.
 *
 * @param result the final answer text
 * @param duration wall time of the CLI run
 * @param costUsd what this run cost (not the session's running total)
 * @param sessionId the session the run belongs to (equal to the CLI's session id)
 * @param usage tokens of this run
 * @param numTurns model round trips
 * @param model the model that answered, if the CLI said
 * @param cliResult the CLI's result line with every field
 */
public record MessageResult(String result, Duration duration, BigDecimal costUsd, String sessionId, Usage usage,
    int numTurns, String model, ResultMessage cliResult) {
}
