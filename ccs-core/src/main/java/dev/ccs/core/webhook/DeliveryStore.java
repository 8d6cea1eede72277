package dev.ccs.core.webhook;

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

  /**
   * Deliveries not finished yet that this node is to try: at a start, those it left and (a store
   * shared by several nodes) those of nodes that died; each is then this node's alone.
   */
  List<Delivery> pending();

  /**
   * Deliveries not finished that nodes which died left, taken over by this node (each by one node
   * only); always empty for a store one node owns.
   */
  default List<Delivery> adoptOrphaned() {
    return List.of();
  }

  /** Ids of finished deliveries created before {@code cutoff}. */
  List<UUID> finishedBefore(Instant cutoff, int limit);

  /** Ids of a task's finished deliveries (those still being tried are left to finish). */
  List<UUID> finishedOfTask(UUID taskId);

  /**
   * Removes a delivery for retention, without waiting for the disk: a removal that a machine crash
   * loses is made again by the next purge. False if there was none.
   */
  boolean delete(UUID id);
}
