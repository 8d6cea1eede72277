package dev.ccs.core.store;

import dev.ccs.core.webhook.Delivery;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Where webhook deliveries are kept, so that none is dropped by a restart. Thread-safe, durable. */
public interface DeliveryStore {

  Delivery create(Delivery delivery);

  /** Replaces the stored delivery (its attempts only grow; the last writer wins). */
  Delivery update(Delivery delivery);

  /** The deliveries of a task, oldest first. */
  List<Delivery> ofTask(UUID taskId);

  /** Deliveries not finished yet. */
  List<Delivery> pending();

  /** Finished deliveries created before {@code cutoff}. */
  List<Delivery> finishedBefore(Instant cutoff, int limit);

  boolean delete(UUID id);
}
