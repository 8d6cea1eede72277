package dev.ccs.core.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.json.Json;
import dev.ccs.core.protocol.ModelUsage;
import dev.ccs.core.protocol.ResultMessage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** The two messages a turn leaves in its session's history, in the Node server's shape. */
final class TurnMessages {

  private static final int PROMPT_PREVIEW_CHARS = 200;

  private TurnMessages() {
  }

  static StoredMessage user(Session session, String prompt, String model, Instant now, String streamId) {
    ObjectNode metadata = Json.object();
    metadata.put("prompt", prompt.length() > PROMPT_PREVIEW_CHARS
        ? prompt.substring(0, PROMPT_PREVIEW_CHARS) + "..." : prompt);
    metadata.put("project_path", session.projectPath());
    metadata.put("model", model);
    if (streamId != null) {
      metadata.put("stream_id", streamId);
    }
    return new StoredMessage(StoredMessage.newId(), session.id(), "user", prompt, now, metadata);
  }

  /**
   * The answer, or what went wrong ({@code is_error}); with what the run cost and used (in all and
   * per model), its durations, provider and CLI session: everything the statistics count, so that
   * they can be rebuilt from the history.
   *
   * @param models what this run used per model (not the CLI session's running totals)
   */
  static StoredMessage assistant(UUID sessionId, RunOutcome outcome, BigDecimal cost, Map<String, ModelUsage> models,
      String providerId, Instant now, String streamId) {
    ObjectNode metadata = Json.object();
    metadata.put("cost_usd", cost);
    metadata.put("duration_ms", outcome.duration().toMillis());
    ResultMessage result = outcome.result();
    if (result != null) {
      metadata.put("duration_api_ms", result.durationApiMs());
      metadata.put("model", result.model());
      metadata.set("usage", result.usage().toJson());
      metadata.put("num_turns", result.numTurns());
      metadata.set("model_usage", result.json().path("modelUsage").deepCopy());
      ObjectNode perModel = metadata.putObject("run_model_usage");
      models.forEach((model, usage) -> perModel.set(model, usage.toJson()));
      metadata.put("cli_total_cost_usd", result.totalCostUsd());
    }
    if (providerId != null) {
      metadata.put("provider_id", providerId);
    }
    if (outcome.cliSessionId() != null) {
      metadata.put("cli_session_id", outcome.cliSessionId());
    }
    if (streamId != null) {
      metadata.put("stream_id", streamId);
    }
    String content;
    if (outcome.succeeded()) {
      content = result.result();
    } else {
      metadata.put("is_error", true);
      metadata.put("status", outcome.status().name().toLowerCase(Locale.ROOT));
      metadata.put("error_code", outcome.errorCode());
      content = outcome.message() == null ? "" : outcome.message();
    }
    return new StoredMessage(StoredMessage.newId(), sessionId, "assistant", content, now, metadata);
  }
}
