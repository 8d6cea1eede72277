package dev.ccs.store.postgres;

import dev.ccs.core.json.Json;
import dev.ccs.core.webhook.Delivery;
import dev.ccs.core.webhook.DeliveryJson;
import dev.ccs.core.webhook.DeliveryStatus;
import dev.ccs.core.webhook.DeliveryStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Webhook deliveries in {@code ccs_deliveries}; those still to be tried are found by a partial index. */
final class PgDeliveries implements DeliveryStore {

  private final Db db;
  private final String nodeId;
  private final double deadAfterSeconds;

  /** @param lease a node whose heartbeat is two leases old is dead: its deliveries are taken over */
  PgDeliveries(Db db, String nodeId, java.time.Duration lease) {
    this.db = db;
    this.nodeId = nodeId;
    this.deadAfterSeconds = lease.toMillis() * 2 / 1000.0;
  }

  @Override
  public Delivery create(Delivery delivery) {
    Delivery stored = delivery.withVersion(1);
    db.inTransaction(true, c -> Db.update(c, "INSERT INTO ccs_deliveries (id, task_id, finished, created_ns, body,"
        + " owner) VALUES (?, ?, ?, ?, ?, ?)", s -> {
          s.setObject(1, stored.id());
          s.setObject(2, stored.taskId());
          s.setBoolean(3, stored.status() != DeliveryStatus.PENDING);
          s.setLong(4, Rows.nanos(stored.createdAt()));
          s.setString(5, Json.write(DeliveryJson.toStored(stored)));
          s.setString(6, nodeId);
        }));
    return stored;
  }

  @Override
  public Delivery update(Delivery delivery) {
    // Its attempts only grow and one dispatcher tries it: the last writer wins (as in the file store).
    Delivery stored = delivery.withVersion(delivery.version() + 1);
    db.inTransaction(false, c -> Db.update(c, "UPDATE ccs_deliveries SET finished = ?, body = ? WHERE id = ?", s -> {
      s.setBoolean(1, stored.status() != DeliveryStatus.PENDING);
      s.setString(2, Json.write(DeliveryJson.toStored(stored)));
      s.setObject(3, stored.id());
    }));
    return stored;
  }

  @Override
  public List<Delivery> ofTask(UUID taskId) {
    return db.query("SELECT body FROM ccs_deliveries WHERE task_id = ? ORDER BY created_ns, id",
        s -> s.setObject(1, taskId), PgDeliveries::read);
  }

  @Override
  public List<Delivery> pending() {
    return take("owner = ? OR owner IS NULL OR ", true);
  }

  @Override
  public List<Delivery> adoptOrphaned() {
    return take("", false);
  }

  /** Makes this node the owner of the pending deliveries of {@code also} and of dead nodes; returns them. */
  private List<Delivery> take(String also, boolean mine) {
    return db.inTransaction(true, c -> Db.query(c, "UPDATE ccs_deliveries SET owner = ? WHERE NOT finished AND ("
        + also + "owner IN (SELECT id FROM ccs_nodes WHERE id <> ?"
        + " AND heartbeat_at < clock_timestamp() - make_interval(secs => ?))) RETURNING body", s -> {
          int i = 1;
          s.setString(i++, nodeId);
          if (mine) {
            s.setString(i++, nodeId);
          }
          s.setString(i++, nodeId);
          s.setDouble(i, deadAfterSeconds);
        }, PgDeliveries::read)).stream().sorted(java.util.Comparator.comparing(Delivery::createdAt)).toList();
  }

  @Override
  public List<UUID> finishedBefore(Instant cutoff, int limit) {
    return db.query("SELECT id FROM ccs_deliveries WHERE finished AND created_ns < ? LIMIT ?", s -> {
      s.setLong(1, Rows.nanos(cutoff));
      s.setInt(2, limit);
    }, row -> row.getObject(1, UUID.class));
  }

  @Override
  public List<UUID> finishedOfTask(UUID taskId) {
    return db.query("SELECT id FROM ccs_deliveries WHERE task_id = ? AND finished", s -> s.setObject(1, taskId),
        row -> row.getObject(1, UUID.class));
  }

  @Override
  public boolean delete(UUID id) {
    return db.inTransaction(false,
        c -> Db.update(c, "DELETE FROM ccs_deliveries WHERE id = ?", s -> s.setObject(1, id)) > 0);
  }

  private static Delivery read(ResultSet row) throws SQLException {
    return DeliveryJson.fromStored(Rows.parse(row.getString(1)));
  }
}
