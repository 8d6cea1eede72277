package dev.ccs.core.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Sessions and messages as JSON, in the Node server's field names. The same shape is stored on disk
 * and returned by the API (the API leaves out nothing secret: a session holds none).
 */
public final class SessionJson {

  private SessionJson() {
  }

  public static ObjectNode toJson(Session s) {
    ObjectNode node = Json.object();
    node.put("id", s.id().toString());
    node.put("created_at", s.createdAt().toString());
    node.put("updated_at", s.updatedAt().toString());
    node.put("model", s.model());
    node.put("project_path", s.projectPath());
    node.put("total_cost_usd", s.totalCostUsd());
    node.put("messages_count", s.messagesCount());
    node.put("status", s.status().wireName());
    node.set("metadata", s.metadata());
    node.put("max_budget_usd", s.maxBudgetUsd());
    node.put("cli_session_started", s.cliSessionStarted());
    node.put("last_cli_total_cost_usd", s.lastCliTotalUsd());
    ArrayNode ids = node.putArray("cli_session_ids");
    s.cliSessionIds().forEach(ids::add);
    node.set("last_model_usage", s.lastModelUsage());
    node.put("provider_id", s.providerId());
    node.put("version", s.version());
    return node;
  }

  /** @throws IllegalArgumentException for JSON that is not a session */
  public static Session fromJson(JsonNode node) {
    try {
      List<String> ids = new ArrayList<>();
      node.path("cli_session_ids").forEach(id -> ids.add(id.asText()));
      return new Session(
          UUID.fromString(node.get("id").asText()),
          Instant.parse(node.get("created_at").asText()),
          Instant.parse(node.get("updated_at").asText()),
          text(node, "model"),
          node.get("project_path").asText(),
          decimal(node, "total_cost_usd"),
          node.path("messages_count").asInt(0),
          SessionStatus.fromWireName(node.path("status").asText("active")).orElse(SessionStatus.ACTIVE),
          Session.json(node.get("metadata")),
          decimal(node, "max_budget_usd"),
          node.path("cli_session_started").asBoolean(false),
          decimal(node, "last_cli_total_cost_usd"),
          ids,
          node.hasNonNull("last_model_usage") ? Json.write(node.get("last_model_usage")) : null,
          text(node, "provider_id"),
          node.path("version").asLong(0));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a session record: " + e.getMessage(), e);
    }
  }

  public static ObjectNode toJson(StoredMessage m) {
    ObjectNode node = Json.object();
    node.put("id", m.id());
    node.put("session_id", m.sessionId().toString());
    node.put("role", m.role());
    node.put("content", m.content());
    node.put("created_at", m.createdAt().toString());
    node.set("metadata", m.metadata());
    return node;
  }

  public static StoredMessage messageFromJson(JsonNode node) {
    try {
      return new StoredMessage(node.get("id").asText(), UUID.fromString(node.get("session_id").asText()),
          node.get("role").asText(), text(node, "content"), Instant.parse(node.get("created_at").asText()),
          node.get("metadata"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a message record: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String name) {
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static BigDecimal decimal(JsonNode node, String name) {
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? null : value.decimalValue();
  }
}
