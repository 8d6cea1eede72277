package dev.ccs.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code result} line that ends a run (the whole output of {@code --output-format json}).
 *
 * <p>Whether the run succeeded is {@link #isError()}, not the exit code and not {@code subtype}:
 * an API error arrives as {@code subtype: "success"} with {@code is_error: true}.
 * {@link #totalCostUsd()} is a running total of the CLI session (it carries over on
 * {@code --resume}); the cost of this run alone is the difference to the previous total.
 *
 * @param subtype {@code success}, {@code error_max_turns}, {@code error_max_budget_usd},
 *     {@code error_during_execution}, ...
 * @param isError whether the run failed
 * @param result the final answer text (or the API error text); null on error subtypes
 * @param totalCostUsd the CLI's estimate, cumulative over the CLI session, normalised
 * @param usage tokens of this run (main loop)
 * @param numTurns model round trips of this run
 * @param modelUsage per model, cumulative over the CLI session
 * @param apiErrorStatus HTTP status of the API error that ended the run, or null
 * @param errors human-readable errors of error subtypes
 */
public record ResultMessage(
    String rawLine,
    ObjectNode json,
    String subtype,
    boolean isError,
    String result,
    String sessionId,
    BigDecimal totalCostUsd,
    Usage usage,
    int numTurns,
    long durationMs,
    long durationApiMs,
    Map<String, ModelUsage> modelUsage,
    List<PermissionDenial> permissionDenials,
    Integer apiErrorStatus,
    String apiErrorType,
    String terminalReason,
    String stopReason,
    List<String> errors) implements ClaudeEvent {

  public static ResultMessage from(String rawLine, ObjectNode json) {
    Map<String, ModelUsage> models = new LinkedHashMap<>();
    JsonNode modelUsage = json.get("modelUsage");
    if (modelUsage != null && modelUsage.isObject()) {
      modelUsage.fields().forEachRemaining(e -> models.put(e.getKey(), ModelUsage.from(e.getValue())));
    }
    List<PermissionDenial> denials = new ArrayList<>();
    JsonNode denied = json.get("permission_denials");
    if (denied != null && denied.isArray()) {
      denied.forEach(d -> denials.add(PermissionDenial.from(d)));
    }
    List<String> errors = new ArrayList<>();
    JsonNode errorList = json.get("errors");
    if (errorList != null && errorList.isArray()) {
      errorList.forEach(e -> errors.add(e.asText()));
    }
    Integer numTurns = Fields.integerOrNull(json, "num_turns");
    return new ResultMessage(rawLine, json, Fields.text(json, "subtype"), Fields.bool(json, "is_error"),
        Fields.text(json, "result"), Fields.text(json, "session_id"), Fields.usd(json, "total_cost_usd"),
        Usage.from(json.get("usage")), numTurns == null ? 0 : numTurns,
        Fields.longValue(json, "duration_ms"), Fields.longValue(json, "duration_api_ms"),
        Collections.unmodifiableMap(models), List.copyOf(denials),
        Fields.integerOrNull(json, "api_error_status"), Fields.text(json, "api_error_type"),
        Fields.text(json, "terminal_reason"), Fields.text(json, "stop_reason"), List.copyOf(errors));
  }

  @Override
  public String type() {
    return "result";
  }

  /**
   * True when the run failed: {@code is_error}, or an error subtype (CLIs before 2.1.89 could print
   * an error subtype with {@code is_error: false}).
   */
  public boolean failed() {
    return isError || (subtype != null && subtype.startsWith("error"));
  }

  /** What went wrong, for people: the API error text, the CLI's error list, or the subtype. */
  public String errorMessage() {
    if (!failed()) {
      return null;
    }
    if (result != null && !result.isBlank()) {
      return result;
    }
    if (!errors.isEmpty()) {
      return String.join("; ", errors);
    }
    return "Claude CLI reported " + (subtype == null ? "an error" : subtype);
  }

  /** The first model named in {@code modelUsage}, or null. */
  public String model() {
    return modelUsage.isEmpty() ? null : modelUsage.keySet().iterator().next();
  }
}
