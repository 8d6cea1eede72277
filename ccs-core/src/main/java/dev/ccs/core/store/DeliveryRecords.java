package dev.ccs.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.json.Json;
import dev.ccs.core.webhook.Delivery;
import dev.ccs.core.webhook.DeliveryJson;
import dev.ccs.core.webhook.DeliveryStatus;
import dev.ccs.core.webhook.DeliveryStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link DeliveryStore} over an in-memory index of {@link Head}s, by task, and, when given a
 * directory, a {@link RecordJournal} that the deliveries themselves (their payloads and attempts)
 * are read back from. A delivery is created durably (before its first attempt); the result of an
 * attempt is written at once and synced with the next durable change, so a machine crash can at
 * worst send an event again, which receivers drop by its event id. Without a directory the
 * deliveries are kept in memory.
 */
final class DeliveryRecords implements DeliveryStore, AutoCloseable {

  /** What is kept in memory of a delivery: what it is found, ordered and filtered by. */
  private record Head(UUID id, UUID taskId, String event, Instant createdAt, DeliveryStatus status) {
    static Head of(Delivery delivery) {
      return new Head(delivery.id(), delivery.taskId(), delivery.event(), delivery.createdAt(), delivery.status());
    }
  }

  private static final Comparator<Head> OLDEST_FIRST = Comparator.comparing(Head::createdAt)
      .thenComparing(Head::event);

  private final Map<UUID, Head> byId = new ConcurrentHashMap<>();
  private final Map<UUID, Set<UUID>> byTask = new ConcurrentHashMap<>();
  private final RecordJournal<Delivery> journal;
  /** The deliveries, when there is no journal to read them from. */
  private final Map<UUID, Delivery> memory;

  /** @param dir where the journal is kept, or null to keep deliveries in memory only */
  DeliveryRecords(Path dir) throws IOException {
    memory = dir == null ? new ConcurrentHashMap<>() : null;
    journal = dir == null ? null : RecordJournal.open(dir, new RecordJournal.Loader() {
      @Override
      public void put(JsonNode record) {
        index(Head.of(DeliveryJson.fromStored(record)));
      }

      @Override
      public void remove(UUID id) {
        unindex(id);
      }
    }, delivery -> Json.writeBytes(DeliveryJson.toStored(delivery)), DeliveryJson::fromStored);
  }

  private void index(Head head) {
    byId.put(head.id(), head);
    if (head.taskId() != null) {
      byTask.computeIfAbsent(head.taskId(), k -> ConcurrentHashMap.newKeySet()).add(head.id());
    }
  }

  private void unindex(UUID id) {
    Head removed = byId.remove(id);
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
    List<Head> heads = new ArrayList<>();
    for (UUID id : byTask.getOrDefault(taskId, Set.of())) {
      Head head = byId.get(id);
      if (head != null) {
        heads.add(head);
      }
    }
    heads.sort(OLDEST_FIRST);
    return read(heads);
  }

  @Override
  public List<Delivery> pending() {
    return read(byId.values().stream().filter(d -> d.status() == DeliveryStatus.PENDING).sorted(OLDEST_FIRST)
        .toList());
  }

  @Override
  public List<UUID> finishedBefore(Instant cutoff, int limit) {
    List<UUID> found = new ArrayList<>();
    for (Head head : byId.values()) {
      if (head.status() != DeliveryStatus.PENDING && head.createdAt().isBefore(cutoff)) {
        found.add(head.id());
        if (found.size() >= limit) {
          break;
        }
      }
    }
    return found;
  }

  @Override
  public List<UUID> finishedOfTask(UUID taskId) {
    List<UUID> found = new ArrayList<>();
    for (UUID id : byTask.getOrDefault(taskId, Set.of())) {
      Head head = byId.get(id);
      if (head != null && head.status() != DeliveryStatus.PENDING) {
        found.add(id);
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
      memory.remove(id);
      unindex(id);
    } else {
      journal.delete(id, () -> unindex(id), false);
    }
    return true;
  }

  private List<Delivery> read(List<Head> heads) {
    List<Delivery> deliveries = new ArrayList<>(heads.size());
    for (Head head : heads) {
      Optional<Delivery> delivery = memory != null ? Optional.ofNullable(memory.get(head.id()))
          : journal.read(head.id());
      delivery.ifPresent(deliveries::add);
    }
    return deliveries;
  }

  private void write(Delivery delivery, boolean durable) {
    if (journal == null) {
      memory.put(delivery.id(), delivery);
      index(Head.of(delivery));
    } else {
      journal.put(delivery.id(), delivery, () -> index(Head.of(delivery)), durable);
    }
  }

  @Override
  public void close() {
    if (journal != null) {
      journal.close();
    }
  }
}
