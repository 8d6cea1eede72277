package dev.ccs.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * Usage of one model in a CLI session, from the result line's {@code modelUsage}; includes
 * subagents and compaction, and is cumulative over the CLI session.
 */
public record ModelUsage(long inputTokens, long outputTokens, long cacheReadInputTokens,
    long cacheCreationInputTokens, long webSearchRequests, BigDecimal costUsd, Long contextWindow) {

  static ModelUsage from(JsonNode node) {
    return new ModelUsage(Fields.longValue(node, "inputTokens"), Fields.longValue(node, "outputTokens"),
        Fields.longValue(node, "cacheReadInputTokens"), Fields.longValue(node, "cacheCreationInputTokens"),
        Fields.longValue(node, "webSearchRequests"), Fields.usd(node, "costUSD"),
        Fields.longOrNull(node, "contextWindow"));
  }
}
