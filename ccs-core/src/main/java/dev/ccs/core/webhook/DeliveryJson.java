package dev.ccs.core.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** Webhook deliveries as JSON: the API's form (a task's delivery log) and the stored one. */
public final class DeliveryJson {

  private DeliveryJson() {
  }

  /** What the API returns: the delivery without its payload, and each attempt. */
  public static ObjectNode toJson(Delivery d) {
    ObjectNode node = Json.object();
    node.put("id", d.id().toString());
    node.put("event", d.event());
    node.put("url", d.url());
    node.put("status", d.status().wireName());
    node.put("created_at", d.createdAt().toString());
    node.put("delivered_at", d.deliveredAt() == null ? null : d.deliveredAt().toString());
    node.put("next_attempt_at", d.nextAttemptAt() == null ? null : d.nextAttemptAt().toString());
    attempts(node.putArray("attempts"), d.log());
    return node;
  }

  /** What is stored: everything needed to send it again after a restart. */
  public static ObjectNode toStored(Delivery d) {
    ObjectNode node = Json.object();
    node.put("id", d.id().toString());
    node.put("task_id", d.taskId() == null ? null : d.taskId().toString());
    node.put("event", d.event());
    node.put("url", d.url());
    node.put("payload", d.payload());
    node.put("created_at", d.createdAt().toString());
    node.put("status", d.status().wireName());
    node.put("attempts", d.attempts());
    node.put("next_attempt_at", d.nextAttemptAt() == null ? null : d.nextAttemptAt().toString());
    node.put("delivered_at", d.deliveredAt() == null ? null : d.deliveredAt().toString());
    attempts(node.putArray("log"), d.log());
    node.put("version", d.version());
    return node;
  }

  private static void attempts(ArrayNode array, List<Delivery.Attempt> log) {
    for (Delivery.Attempt attempt : log) {
      ObjectNode entry = array.addObject();
      entry.put("attempt", attempt.number());
      entry.put("at", attempt.at().toString());
      if (attempt.statusCode() == null) {
        entry.putNull("status_code");
      } else {
        entry.put("status_code", attempt.statusCode());
      }
      entry.put("error", attempt.error());
      entry.put("duration_ms", attempt.durationMs());
    }
  }

  public static Delivery fromStored(JsonNode n) {
    try {
      List<Delivery.Attempt> log = new ArrayList<>();
      for (JsonNode entry : n.path("log")) {
        log.add(new Delivery.Attempt(entry.path("attempt").asInt(), Instant.parse(entry.get("at").asText()),
            entry.hasNonNull("status_code") ? entry.get("status_code").asInt() : null,
            entry.hasNonNull("error") ? entry.get("error").asText() : null, entry.path("duration_ms").asLong()));
      }
      return new Delivery(UUID.fromString(n.get("id").asText()),
          n.hasNonNull("task_id") ? UUID.fromString(n.get("task_id").asText()) : null, n.get("event").asText(),
          n.get("url").asText(), n.get("payload").asText(), Instant.parse(n.get("created_at").asText()),
          DeliveryStatus.valueOf(n.get("status").asText().toUpperCase(Locale.ROOT)), n.path("attempts").asInt(),
          n.hasNonNull("next_attempt_at") ? Instant.parse(n.get("next_attempt_at").asText()) : null,
          n.hasNonNull("delivered_at") ? Instant.parse(n.get("delivered_at").asText()) : null, log,
          n.path("version").asLong());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a delivery record: " + e.getMessage(), e);
    }
  }
}
