package dev.ccs.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import dev.ccs.core.money.Usd;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Usage of one model in a CLI session, from the result line's {@code modelUsage}; includes
 * subagents and compaction, and is cumulative over the CLI session.
 */
public record ModelUsage(long inputTokens, long outputTokens, long cacheReadInputTokens,
    long cacheCreationInputTokens, long webSearchRequests, BigDecimal costUsd, Long contextWindow) {

  public ModelUsage {
    costUsd = costUsd == null ? BigDecimal.ZERO : costUsd;
  }

  static ModelUsage from(JsonNode node) {
    return new ModelUsage(Fields.longValue(node, "inputTokens"), Fields.longValue(node, "outputTokens"),
        Fields.longValue(node, "cacheReadInputTokens"), Fields.longValue(node, "cacheCreationInputTokens"),
        Fields.longValue(node, "webSearchRequests"), Fields.usd(node, "costUSD"),
        Fields.longOrNull(node, "contextWindow"));
  }

  /** The CLI's {@code modelUsage} object (camelCase, as the CLI prints it), model by model. */
  public static Map<String, ModelUsage> parse(JsonNode modelUsage) {
    Map<String, ModelUsage> models = new LinkedHashMap<>();
    if (modelUsage != null && modelUsage.isObject()) {
      modelUsage.fields().forEachRemaining(e -> models.put(e.getKey(), from(e.getValue())));
    }
    return models;
  }

  /**
   * What one run used, model by model: the CLI session's running totals after the run minus those
   * after the previous run (empty for a new CLI session). Never negative; models the run did not
   * use are left out.
   */
  public static Map<String, ModelUsage> perRun(Map<String, ModelUsage> after, Map<String, ModelUsage> before) {
    Map<String, ModelUsage> run = new LinkedHashMap<>();
    after.forEach((model, total) -> {
      ModelUsage previous = before.get(model);
      ModelUsage used = previous == null ? total : total.minus(previous);
      if (used.inputTokens() + used.outputTokens() + used.cacheReadInputTokens() + used.cacheCreationInputTokens() > 0
          || used.costUsd().signum() > 0) {
        run.put(model, used);
      }
    });
    return run;
  }

  private ModelUsage minus(ModelUsage o) {
    return new ModelUsage(Math.max(0, inputTokens - o.inputTokens), Math.max(0, outputTokens - o.outputTokens),
        Math.max(0, cacheReadInputTokens - o.cacheReadInputTokens),
        Math.max(0, cacheCreationInputTokens - o.cacheCreationInputTokens),
        Math.max(0, webSearchRequests - o.webSearchRequests), Usd.nonNegativeDifference(costUsd, o.costUsd),
        contextWindow);
  }

  /** In the CLI's own field names, so that {@link #parse} reads it back. */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("inputTokens", inputTokens);
    node.put("outputTokens", outputTokens);
    node.put("cacheReadInputTokens", cacheReadInputTokens);
    node.put("cacheCreationInputTokens", cacheCreationInputTokens);
    node.put("webSearchRequests", webSearchRequests);
    node.put("costUSD", costUsd);
    return node;
  }
}
