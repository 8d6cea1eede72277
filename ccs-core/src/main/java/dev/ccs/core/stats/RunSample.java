package dev.ccs.core.stats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.money.Usd;
import dev.ccs.core.protocol.ModelUsage;
import dev.ccs.core.session.StoredMessage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One run as the statistics count it, read from the assistant message its turn left in the
 * history: live and when rebuilding after a crash, the same reading.
 *
 * @param costUsd what this run cost (the CLI's running total minus the previous one)
 * @param models what this run used per model; a run that switched model is split between them
 * @param keyName the API key the request came with, or null
 */
public record RunSample(String messageId, Instant endedAt, String projectPath, String providerId, String keyName,
    boolean succeeded, String errorCode, long durationMs, long apiDurationMs, int turns, BigDecimal costUsd,
    Map<String, ModelUsage> models) {

  /** The metadata field of a message imported from another server (the Node server: {@code "node"}). */
  public static final String IMPORTED_FROM = "imported_from";

  /** Where the model is not known (a run that failed before the CLI said). */
  public static final String UNKNOWN_MODEL = "unknown";

  public long inputTokens() {
    return models.values().stream().mapToLong(ModelUsage::inputTokens).sum();
  }

  public long outputTokens() {
    return models.values().stream().mapToLong(ModelUsage::outputTokens).sum();
  }

  public long cacheReadTokens() {
    return models.values().stream().mapToLong(ModelUsage::cacheReadInputTokens).sum();
  }

  public long cacheWriteTokens() {
    return models.values().stream().mapToLong(ModelUsage::cacheCreationInputTokens).sum();
  }

  /** The run an assistant message records, or empty for any other message. */
  public static Optional<RunSample> from(StoredMessage message, String projectPath) {
    JsonNode meta = message.metadata();
    // An imported message was counted where it came from (its counts are imported with it).
    if (!message.role().equals("assistant") || !meta.hasNonNull("cost_usd") || meta.has(IMPORTED_FROM)) {
      return Optional.empty();
    }
    BigDecimal cost = Usd.normalize(meta.get("cost_usd").decimalValue());
    Map<String, ModelUsage> models = new LinkedHashMap<>(ModelUsage.parse(meta.get("run_model_usage")));
    if (models.isEmpty()) {
      // Older histories (and runs without a result): the run's own usage under its one model.
      JsonNode usage = meta.path("usage");
      long in = usage.path("input_tokens").asLong();
      long out = usage.path("output_tokens").asLong();
      long read = usage.path("cache_read_input_tokens").asLong();
      long write = usage.path("cache_creation_input_tokens").asLong();
      if (in + out + read + write > 0 || cost.signum() > 0) {
        String model = meta.hasNonNull("model") ? meta.get("model").asText() : UNKNOWN_MODEL;
        models.put(model, new ModelUsage(in, out, read, write, 0, cost, null));
      }
    }
    boolean failed = meta.path("is_error").asBoolean(false);
    return Optional.of(new RunSample(message.id(), message.createdAt(), projectPath,
        meta.hasNonNull("provider_id") ? meta.get("provider_id").asText() : null,
        meta.hasNonNull("key_name") ? meta.get("key_name").asText() : null, !failed,
        failed ? meta.path("error_code").asText(meta.path("status").asText("error")) : null,
        meta.path("duration_ms").asLong(), meta.path("duration_api_ms").asLong(), meta.path("num_turns").asInt(),
        cost, models));
  }
}
