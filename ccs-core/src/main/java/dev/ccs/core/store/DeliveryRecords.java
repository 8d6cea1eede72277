package dev.ccs.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.internal.Json;
import dev.ccs.core.webhook.Delivery;
import dev.ccs.core.webhook.DeliveryJson;
import dev.ccs.core.webhook.DeliveryStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link DeliveryStore} in memory, indexed by task, and, when given a directory, a
 * {@link RecordJournal}. A delivery is created durably (before its first attempt); the result of
 * an attempt is written at once and synced with the next durable change, so a machine crash can
 * at worst send an event again, which receivers drop by its event id.
 */
final class DeliveryRecords implements DeliveryStore, AutoCloseable {

  private final Map<UUID, Delivery> byId = new ConcurrentHashMap<>();
  private final Map<UUID, Set<UUID>> byTask = new ConcurrentHashMap<>();
  private final RecordJournal<Delivery> journal;

  /** @param dir where the journal is kept, or null to keep deliveries in memory only */
  DeliveryRecords(Path dir) throws IOException {
    journal = dir == null ? null : RecordJournal.open(dir, new RecordJournal.Loader() {
      @Override
      public void put(JsonNode record) {
        index(DeliveryJson.fromStored(record));
      }

      @Override
      public void remove(UUID id) {
        unindex(id);
      }
    }, delivery -> Json.writeBytes(DeliveryJson.toStored(delivery)), () -> List.copyOf(byId.values()), byId::size);
  }

  private void index(Delivery delivery) {
    byId.put(delivery.id(), delivery);
    if (delivery.taskId() != null) {
      byTask.computeIfAbsent(delivery.taskId(), k -> ConcurrentHashMap.newKeySet()).add(delivery.id());
    }
  }

  private void unindex(UUID id) {
    Delivery removed = byId.remove(id);
    if (removed != null && removed.taskId() != null) {
      byTask.computeIfPresent(removed.taskId(), (task, ids) -> {
        ids.remove(id);
        return ids.isEmpty() ? null : ids;
      });
    }
  }

  @Override
  public Delivery create(Delivery delivery) {
    Delivery stored = delivery.withVersion(1);
    write(stored, true);
    return stored;
  }

  @Override
  public synchronized Delivery update(Delivery delivery) {
    Delivery stored = delivery.withVersion(delivery.version() + 1);
    write(stored, false);
    return stored;
  }

  @Override
  public List<Delivery> ofTask(UUID taskId) {
    Set<UUID> ids = byTask.getOrDefault(taskId, Set.of());
    List<Delivery> found = new ArrayList<>();
    for (UUID id : ids) {
      Delivery delivery = byId.get(id);
      if (delivery != null) {
        found.add(delivery);
      }
    }
    found.sort(Comparator.comparing(Delivery::createdAt).thenComparing(Delivery::event));
    return found;
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
  public synchronized boolean delete(UUID id) {
    if (!byId.containsKey(id)) {
      return false;
    }
    if (journal == null) {
      unindex(id);
    } else {
      journal.delete(id, () -> unindex(id), false);
    }
    return true;
  }

  private void write(Delivery delivery, boolean durable) {
    if (journal == null) {
      index(delivery);
    } else {
      journal.put(delivery, () -> index(delivery), durable);
    }
  }

  @Override
  public void close() {
    if (journal != null) {
      journal.close();
    }
  }
}
