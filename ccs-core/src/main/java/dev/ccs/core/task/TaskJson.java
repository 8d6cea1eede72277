package dev.ccs.core.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.exec.PermissionMode;
import dev.ccs.core.json.Json;
import dev.ccs.core.run.RunOptions;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Tasks as JSON in the Node server's field names. The stored form adds what a client is not shown
 * (the idempotency key and request hash); neither form holds a credential, as a task never does.
 */
public final class TaskJson {

  private TaskJson() {
  }

  /** What the API returns. */
  public static ObjectNode toJson(Task t) {
    ObjectNode node = Json.object();
    node.put("id", t.id().toString());
    node.put("created_at", t.createdAt().toString());
    node.put("updated_at", t.updatedAt().toString());
    node.put("status", t.status().wireName());
    node.put("prompt", t.prompt());
    node.put("project_path", t.projectPath());
    node.put("model", t.options().model());
    node.put("priority", t.priority());
    node.put("result", t.result());
    node.put("error", t.error());
    node.put("error_code", t.errorCode());
    node.put("started_at", t.startedAt() == null ? null : t.startedAt().toString());
    node.put("completed_at", t.completedAt() == null ? null : t.completedAt().toString());
    if (t.durationMs() == null) {
      node.putNull("duration_ms");
    } else {
      node.put("duration_ms", t.durationMs());
    }
    node.put("cost_usd", t.costUsd());
    node.put("session_id", t.sessionId().toString());
    node.set("usage", t.usage() == null ? null : t.usage().deepCopy());
    node.set("metadata", t.metadata().deepCopy());
    node.put("webhook_url", t.webhookUrl());
    node.set("options", options(t.options()));
    if (t.timeout() == null) {
      node.putNull("timeout_ms");
    } else {
      node.put("timeout_ms", t.timeout().toMillis());
    }
    node.put("attempts", t.attempts());
    node.put("dead_letter", t.deadLetter());
    node.put("not_before", t.notBefore() == null ? null : t.notBefore().toString());
    node.put("batch_id", t.batchId() == null ? null : t.batchId().toString());
    node.put("replay_of", t.replayOf() == null ? null : t.replayOf().toString());
    return node;
  }

  /** What is stored: the API form plus its bookkeeping. */
  public static ObjectNode toStored(Task t) {
    ObjectNode node = toJson(t);
    node.put("sequence", t.sequence());
    node.put("interruptions", t.interruptions());
    node.put("idempotency_key", t.idempotencyKey());
    node.put("request_hash", t.requestHash());
    node.put("version", t.version());
    return node;
  }

  public static Task fromStored(JsonNode n) {
    try {
      return new Task(UUID.fromString(n.get("id").asText()), n.path("sequence").asLong(),
          Instant.parse(n.get("created_at").asText()), Instant.parse(n.get("updated_at").asText()),
          TaskStatus.fromWireName(n.get("status").asText()).orElseThrow(),
          n.get("prompt").asText(), n.get("project_path").asText(), n.get("priority").asInt(),
          UUID.fromString(n.get("session_id").asText()), options(n.get("options")),
          n.hasNonNull("timeout_ms") ? Duration.ofMillis(n.get("timeout_ms").asLong()) : null,
          text(n, "webhook_url"), n.get("metadata"), text(n, "result"), text(n, "error"), text(n, "error_code"),
          instant(n, "started_at"), instant(n, "completed_at"),
          n.hasNonNull("duration_ms") ? n.get("duration_ms").asLong() : null,
          n.hasNonNull("cost_usd") ? n.get("cost_usd").decimalValue() : BigDecimal.ZERO,
          n.hasNonNull("usage") ? n.get("usage") : null, n.path("attempts").asInt(), n.path("interruptions").asInt(),
          instant(n, "not_before"), n.path("dead_letter").asBoolean(), text(n, "idempotency_key"),
          text(n, "request_hash"), uuid(n, "batch_id"), uuid(n, "replay_of"), n.path("version").asLong());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a task record: " + e.getMessage(), e);
    }
  }

  static ObjectNode options(RunOptions o) {
    ObjectNode node = Json.object();
    node.put("model", o.model());
    node.put("system_prompt", o.systemPrompt());
    node.put("append_system_prompt", o.appendSystemPrompt());
    node.put("max_budget_usd", o.maxBudgetUsd());
    if (o.maxTurns() == null) {
      node.putNull("max_turns");
    } else {
      node.put("max_turns", o.maxTurns());
    }
    ArrayNode allowed = node.putArray("allowed_tools");
    o.allowedTools().forEach(allowed::add);
    ArrayNode disallowed = node.putArray("disallowed_tools");
    o.disallowedTools().forEach(disallowed::add);
    node.put("agent", o.agent());
    node.put("mcp_config", o.mcpConfig());
    node.put("permission_mode", o.permissionMode() == null ? null : o.permissionMode().wireName());
    if (o.providerId() != null) {
      node.put("provider_id", o.providerId());
    }
    if (o.warm() != null) {
      node.put("warm", o.warm());
    }
    return node;
  }

  static RunOptions options(JsonNode n) {
    if (n == null || !n.isObject()) {
      return RunOptions.NONE;
    }
    return new RunOptions(text(n, "model"), text(n, "system_prompt"), text(n, "append_system_prompt"),
        n.hasNonNull("max_budget_usd") ? n.get("max_budget_usd").decimalValue() : null,
        n.hasNonNull("max_turns") ? n.get("max_turns").asInt() : null, strings(n.get("allowed_tools")),
        strings(n.get("disallowed_tools")), text(n, "agent"), text(n, "mcp_config"),
        n.hasNonNull("permission_mode") ? PermissionMode.fromWireName(n.get("permission_mode").asText()).orElse(null) : null,
        text(n, "provider_id"), n.hasNonNull("warm") ? n.get("warm").asBoolean() : null);
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    if (array != null) {
      array.forEach(v -> values.add(v.asText()));
    }
    return values;
  }

  private static String text(JsonNode node, String name) {
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static Instant instant(JsonNode node, String name) {
    String value = text(node, name);
    return value == null ? null : Instant.parse(value);
  }

  private static UUID uuid(JsonNode node, String name) {
    String value = text(node, name);
    return value == null ? null : UUID.fromString(value);
  }
}
