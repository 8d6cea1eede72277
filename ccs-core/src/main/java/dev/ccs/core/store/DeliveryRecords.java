package dev.ccs.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.internal.Json;
import dev.ccs.core.webhook.Delivery;
import dev.ccs.core.webhook.DeliveryStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** {@link DeliveryStore} in memory and, when given a directory, one durable file per delivery. */
final class DeliveryRecords implements DeliveryStore {

  private final Map<UUID, Delivery> byId = new ConcurrentHashMap<>();
  private final RecordDirectory files;

  DeliveryRecords(RecordDirectory files) throws IOException {
    this.files = files;
    if (files != null) {
      files.load((id, json) -> byId.put(id, fromJson(json)));
    }
  }

  @Override
  public Delivery create(Delivery delivery) {
    Delivery stored = delivery.withVersion(1);
    write(stored);
    byId.put(stored.id(), stored);
    return stored;
  }

  @Override
  public synchronized Delivery update(Delivery delivery) {
    Delivery stored = delivery.withVersion(delivery.version() + 1);
    write(stored);
    byId.put(stored.id(), stored);
    return stored;
  }

  @Override
  public List<Delivery> ofTask(UUID taskId) {
    return byId.values().stream().filter(d -> taskId.equals(d.taskId()))
        .sorted(Comparator.comparing(Delivery::createdAt).thenComparing(Delivery::event)).toList();
  }

  @Override
  public List<Delivery> pending() {
    return byId.values().stream().filter(d -> d.status() == DeliveryStatus.PENDING)
        .sorted(Comparator.comparing(Delivery::createdAt)).toList();
  }

  @Override
  public List<Delivery> finishedBefore(Instant cutoff, int limit) {
    List<Delivery> found = new ArrayList<>();
    for (Delivery delivery : byId.values()) {
      if (delivery.status() != DeliveryStatus.PENDING && delivery.createdAt().isBefore(cutoff)) {
        found.add(delivery);
        if (found.size() >= limit) {
          break;
        }
      }
    }
    return found;
  }

  @Override
  public boolean delete(UUID id) {
    if (files != null) {
      files.delete(id);
    }
    return byId.remove(id) != null;
  }

  private void write(Delivery delivery) {
    if (files != null) {
      files.write(delivery.id(), Json.writeBytes(toJson(delivery)), true);
    }
  }

  /** The stored and returned form of a delivery. */
  public static ObjectNode toJson(Delivery d) {
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
    ArrayNode log = node.putArray("log");
    for (Delivery.Attempt attempt : d.log()) {
      ObjectNode entry = log.addObject();
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
    node.put("version", d.version());
    return node;
  }

  static Delivery fromJson(JsonNode n) {
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
          DeliveryStatus.valueOf(n.get("status").asText().toUpperCase(java.util.Locale.ROOT)), n.path("attempts").asInt(),
          n.hasNonNull("next_attempt_at") ? Instant.parse(n.get("next_attempt_at").asText()) : null,
          n.hasNonNull("delivered_at") ? Instant.parse(n.get("delivered_at").asText()) : null, log,
          n.path("version").asLong());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a delivery record: " + e.getMessage(), e);
    }
  }
}
