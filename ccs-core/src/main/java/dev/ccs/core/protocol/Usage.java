package dev.ccs.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;

/**
 * Token counts of one run, from the result line's {@code usage} (main agent loop only).
 *
 * @param inputTokens uncached input tokens
 * @param outputTokens output tokens
 * @param cacheCreationInputTokens input tokens written to the prompt cache
 * @param cacheReadInputTokens input tokens read from the prompt cache
 */
public record Usage(long inputTokens, long outputTokens, long cacheCreationInputTokens,
    long cacheReadInputTokens) {

  public static final Usage ZERO = new Usage(0, 0, 0, 0);

  public static Usage from(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return ZERO;
    }
    return new Usage(Fields.longValue(usage, "input_tokens"), Fields.longValue(usage, "output_tokens"),
        Fields.longValue(usage, "cache_creation_input_tokens"),
        Fields.longValue(usage, "cache_read_input_tokens"));
  }

  /** The counts in the API's field names, as answers, tasks and stored messages carry them. */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("input_tokens", inputTokens);
    node.put("output_tokens", outputTokens);
    node.put("cache_creation_input_tokens", cacheCreationInputTokens);
    node.put("cache_read_input_tokens", cacheReadInputTokens);
    return node;
  }

  public Usage plus(Usage other) {
    return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
        cacheCreationInputTokens + other.cacheCreationInputTokens,
        cacheReadInputTokens + other.cacheReadInputTokens);
  }
}
