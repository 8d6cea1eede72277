package dev.ccs.core.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One event to deliver to one URL, and what happened to each attempt. Stored before the first
 * attempt, so a restart does not drop it.
 *
 * @param id the event id, sent in {@code X-CCS-Event-Id} so receivers can drop duplicates
 * @param payload the JSON body, exactly as signed and sent
 * @param nextAttemptAt when the next attempt is due (pending deliveries)
 */
public record Delivery(UUID id, UUID taskId, String event, String url, String payload, Instant createdAt,
    DeliveryStatus status, int attempts, Instant nextAttemptAt, Instant deliveredAt, List<Attempt> log, long version) {

  /**
   * One attempt.
   *
   * @param statusCode the receiver's status, or null when no answer came
   * @param error why it failed, or null
   */
  public record Attempt(int number, Instant at, Integer statusCode, String error, long durationMs) {
  }

  public Delivery {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(status, "status");
    log = List.copyOf(log);
  }

  /** This delivery after one more attempt. */
  public Delivery attempted(Attempt attempt, DeliveryStatus newStatus, Instant next) {
    List<Attempt> entries = new ArrayList<>(log);
    entries.add(attempt);
    return new Delivery(id, taskId, event, url, payload, createdAt, newStatus, attempts + 1, next,
        newStatus == DeliveryStatus.DELIVERED ? attempt.at() : deliveredAt, entries, version);
  }

  public Delivery withVersion(long newVersion) {
    return new Delivery(id, taskId, event, url, payload, createdAt, status, attempts, nextAttemptAt, deliveredAt, log,
        newVersion);
  }
}
