package dev.ccs.store.postgres;

import dev.ccs.core.error.CcsException;
import dev.ccs.core.error.StaleVersionException;
import dev.ccs.core.json.Json;
import dev.ccs.core.money.Usd;
import dev.ccs.core.task.IdempotencyKeyTaken;
import dev.ccs.core.task.SharedLine;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskCursor;
import dev.ccs.core.task.TaskJson;
import dev.ccs.core.task.TaskStatus;
import dev.ccs.core.task.TaskStore;
import dev.ccs.core.task.TaskSummary;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Tasks in {@code ccs_tasks}. The database numbers submissions ({@code ccs_task_sequence}), so the
 * first-in-first-out order within a priority holds across nodes. Lists are index range scans
 * ({@code ccs_tasks_created}, {@code ccs_tasks_status}) cut at their limit; the summary is one
 * grouped count.
 */
final class PgTasks implements TaskStore {

  private static final String NEWEST_FIRST = " ORDER BY created_ns DESC, sequence DESC, id";
  private static final String OLDEST_FIRST = " ORDER BY created_ns, sequence, id DESC";

  private final Db db;
  private final String nodeId;
  private final PgCluster line;

  PgTasks(Db db, String nodeId, PgCluster line) {
    this.db = db;
    this.nodeId = nodeId;
    this.line = line;
  }

  @Override
  public Optional<SharedLine> sharedLine() {
    return Optional.of(line);
  }

  /** Wakes the nodes listening: a task waits (delivered when the transaction commits). */
  static void notifyArrived(Connection connection) throws SQLException {
    Db.query(connection, "SELECT pg_notify('ccs_tasks', 'a')", Db.NONE, row -> null);
  }

  @Override
  public Task create(Task task) {
    return db.inTransaction(true, connection -> {
      if (task.idempotencyKey() != null) {
        refuseTakenKey(connection, task);
      }
      long sequence = Db.query(connection, "SELECT nextval('ccs_task_sequence')", Db.NONE, row -> row.getLong(1))
          .get(0);
      Task stored = task.toBuilder().version(1).sequence(sequence).build();
      int inserted = Db.update(connection, "INSERT INTO ccs_tasks (id, version, sequence, status, priority, batch,"
          + " created_ns, completed_ns, not_before_ns, cost_usd, dead_letter, idempotency_key, session_id, body)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING", s -> {
            s.setObject(1, stored.id());
            s.setLong(2, stored.version());
            s.setLong(3, stored.sequence());
            bindState(s, 4, stored);
            s.setInt(5, stored.priority());
            s.setBoolean(6, stored.batchId() != null);
            s.setLong(7, Rows.nanos(stored.createdAt()));
            setNanos(s, 8, stored.completedAt());
            setNanos(s, 9, stored.notBefore());
            s.setBigDecimal(10, stored.costUsd());
            s.setBoolean(11, stored.deadLetter());
            s.setString(12, stored.idempotencyKey());
            s.setObject(13, stored.sessionId());
            s.setString(14, Json.write(TaskJson.toStored(stored)));
          });
      if (inserted == 0) {
        throw new StaleVersionException("task " + task.id() + " already exists");
      }
      notifyArrived(connection);
      return stored;
    });
  }

  /**
   * The key's arbitration across nodes: submissions with one key are serialised by a transaction
   * lock on the key's hash, and the second finds the first's task.
   */
  private static void refuseTakenKey(Connection connection, Task task) throws SQLException {
    Db.query(connection, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
        s -> s.setString(1, task.idempotencyKey()), row -> null);
    List<UUID> holder = Db.query(connection, "SELECT id FROM ccs_tasks WHERE idempotency_key = ? AND created_ns >= ?"
        + " ORDER BY created_ns DESC LIMIT 1", s -> {
          s.setString(1, task.idempotencyKey());
          s.setLong(2, Rows.nanos(task.createdAt().minus(IDEMPOTENCY_WINDOW)));
        }, PgTasks::id);
    if (!holder.isEmpty()) {
      throw new IdempotencyKeyTaken(holder.get(0));
    }
  }

  @Override
  public Optional<Task> get(UUID id) {
    return db.queryOne("SELECT body FROM ccs_tasks WHERE id = ?", s -> s.setObject(1, id), PgTasks::read);
  }

  @Override
  public Task update(Task task, boolean durable) {
    return db.inTransaction(durable, connection -> {
      Task stored = update(connection, task);
      if (stored.status().terminal()) {
        // Other nodes awaiting it (a batch, a cancel, a stream of its events) hear it ended.
        Db.query(connection, "SELECT pg_notify('ccs_tasks', ?)", s -> s.setString(1, "e:" + stored.id() + ":" + nodeId),
            row -> null);
      } else if (stored.status() == TaskStatus.PENDING) {
        notifyArrived(connection);
      }
      return stored;
    });
  }

  /**
   * The versioned update, inside the caller's transaction. The lease of the node that claimed the
   * task stays while it waits to start and while it runs; a task that waits again (a retry, a
   * requeue) or ends has none.
   */
  static Task update(Connection connection, Task task) throws SQLException {
    Task stored = task.toBuilder().version(task.version() + 1).build();
    String keepLease = "(?::text = 'PROCESSING' OR (?::text = 'PENDING' AND status = 'PENDING'))";
    int updated = Db.update(connection, "UPDATE ccs_tasks SET version = ?, status = ?, priority = ?,"
        + " completed_ns = ?, not_before_ns = ?, cost_usd = ?, dead_letter = ?, body = ?,"
        + " lease_owner = CASE WHEN " + keepLease + " THEN lease_owner END,"
        + " lease_expires = CASE WHEN " + keepLease + " THEN lease_expires END"
        + " WHERE id = ? AND version = ?",
        s -> {
          s.setLong(1, stored.version());
          bindState(s, 2, stored);
          s.setInt(3, stored.priority());
          setNanos(s, 4, stored.completedAt());
          setNanos(s, 5, stored.notBefore());
          s.setBigDecimal(6, stored.costUsd());
          s.setBoolean(7, stored.deadLetter());
          s.setString(8, Json.write(TaskJson.toStored(stored)));
          for (int i = 9; i <= 12; i++) {
            s.setString(i, stored.status().name());
          }
          s.setObject(13, stored.id());
          s.setLong(14, task.version());
        });
    if (updated == 0) {
      List<Long> current = Db.query(connection, "SELECT version FROM ccs_tasks WHERE id = ?",
          s -> s.setObject(1, task.id()), row -> row.getLong(1));
      if (current.isEmpty()) {
        throw new CcsException.NotFound("Task not found");
      }
      throw new StaleVersionException("task " + task.id() + " changed concurrently (version " + current.get(0)
          + ", expected " + task.version() + ")");
    }
    return stored;
  }

  @Override
  public boolean delete(UUID id) {
    return delete(id, true);
  }

  @Override
  public boolean purge(UUID id) {
    return delete(id, false);
  }

  private boolean delete(UUID id, boolean durable) {
    return db.inTransaction(durable,
        c -> Db.update(c, "DELETE FROM ccs_tasks WHERE id = ?", s -> s.setObject(1, id)) > 0);
  }

  @Override
  public List<Task> list(TaskStatus status, int limit) {
    return db.query("SELECT body FROM ccs_tasks" + where(status, null) + NEWEST_FIRST + " LIMIT ?",
        s -> bindWhere(s, status, null, limit), PgTasks::read);
  }

  @Override
  public List<UUID> listIds(TaskStatus status, int limit) {
    return listIds(status, limit, null);
  }

  @Override
  public List<UUID> listIds(TaskStatus status, int limit, TaskCursor after) {
    return db.query("SELECT id FROM ccs_tasks" + where(status, after) + NEWEST_FIRST + " LIMIT ?",
        s -> bindWhere(s, status, after, limit), PgTasks::id);
  }

  @Override
  public List<UUID> deadLetterIds(int limit) {
    return deadLetterIds(limit, null);
  }

  @Override
  public List<UUID> deadLetterIds(int limit, TaskCursor after) {
    return db.query("SELECT id FROM ccs_tasks" + where(TaskStatus.FAILED, after) + " AND dead_letter" + NEWEST_FIRST
        + " LIMIT ?", s -> bindWhere(s, TaskStatus.FAILED, after, limit), PgTasks::id);
  }

  @Override
  public List<Task> deadLetters(int limit) {
    return db.query("SELECT body FROM ccs_tasks" + where(TaskStatus.FAILED, null) + " AND dead_letter" + NEWEST_FIRST
        + " LIMIT ?", s -> bindWhere(s, TaskStatus.FAILED, null, limit), PgTasks::read);
  }

  private static String where(TaskStatus status, TaskCursor after) {
    String sql = status == null ? " WHERE true" : " WHERE status = ?";
    if (after != null) {
      sql += " AND (created_ns < ? OR (created_ns = ? AND (sequence < ? OR (sequence = ? AND id > ?))))";
    }
    return sql;
  }

  private static void bindWhere(PreparedStatement s, TaskStatus status, TaskCursor after, int limit)
      throws SQLException {
    int i = 1;
    if (status != null) {
      s.setString(i++, status.name());
    }
    if (after != null) {
      long at = Rows.nanos(after.createdAt());
      s.setLong(i++, at);
      s.setLong(i++, at);
      s.setLong(i++, after.sequence());
      s.setLong(i++, after.sequence());
      s.setObject(i++, after.id());
    }
    s.setInt(i, limit);
  }

  @Override
  public List<Task> all() {
    return db.query("SELECT body FROM ccs_tasks" + NEWEST_FIRST, Db.NONE, PgTasks::read);
  }

  @Override
  public List<UUID> unfinishedIds() {
    return db.query("SELECT id FROM ccs_tasks WHERE status IN ('PENDING', 'PROCESSING') ORDER BY sequence",
        Db.NONE, PgTasks::id);
  }

  @Override
  public Set<UUID> sessionsOfUnfinished() {
    return new HashSet<>(db.query("SELECT DISTINCT session_id FROM ccs_tasks WHERE status IN ('PENDING', 'PROCESSING')"
        + " AND session_id IS NOT NULL", Db.NONE, PgTasks::id));
  }

  @Override
  public List<KeyedTask> withIdempotencyKeySince(Instant since) {
    return db.query("SELECT idempotency_key, id, created_ns FROM ccs_tasks WHERE idempotency_key IS NOT NULL"
        + " AND created_ns >= ? ORDER BY sequence", s -> s.setLong(1, Rows.nanos(since)),
        row -> new KeyedTask(row.getString(1), row.getObject(2, UUID.class), Rows.instant(row.getLong(3))));
  }

  @Override
  public long maxSequence() {
    return db.queryOne("SELECT coalesce(max(sequence), 0) FROM ccs_tasks", Db.NONE, row -> row.getLong(1)).orElse(0L);
  }

  @Override
  public TaskSummary summary() {
    return db.withConnection(connection -> {
      Map<TaskStatus, Integer> counts = new EnumMap<>(TaskStatus.class);
      for (TaskStatus status : TaskStatus.values()) {
        counts.put(status, 0);
      }
      int[] total = {0};
      int[] deadLetters = {0};
      BigDecimal[] cost = {BigDecimal.ZERO};
      Db.query(connection, "SELECT status, count(*), sum(cost_usd), count(*) FILTER (WHERE dead_letter)"
          + " FROM ccs_tasks GROUP BY status", Db.NONE, row -> {
            int count = row.getInt(2);
            counts.put(TaskStatus.valueOf(row.getString(1)), count);
            total[0] += count;
            cost[0] = cost[0].add(row.getBigDecimal(3));
            deadLetters[0] += row.getInt(4);
            return null;
          });
      Instant oldest = Db.query(connection, "SELECT min(created_ns) FROM ccs_tasks WHERE status = 'PENDING'",
          Db.NONE, row -> {
            long nanos = row.getLong(1);
            return row.wasNull() ? null : Rows.instant(nanos);
          }).get(0);
      return new TaskSummary(counts, total[0], Usd.normalize(cost[0]), deadLetters[0], oldest);
    });
  }

  @Override
  public List<UUID> finishedBefore(Instant cutoff, int limit) {
    return db.query("SELECT id FROM ccs_tasks WHERE status NOT IN ('PENDING', 'PROCESSING') AND completed_ns < ?"
        + OLDEST_FIRST + " LIMIT ?", s -> {
          s.setLong(1, Rows.nanos(cutoff));
          s.setInt(2, limit);
        }, PgTasks::id);
  }

  @Override
  public List<UUID> oldestFinished(Instant keyedSince, int limit) {
    return db.query("SELECT id FROM ccs_tasks WHERE status NOT IN ('PENDING', 'PROCESSING')"
        + " AND (idempotency_key IS NULL OR created_ns < ?)" + OLDEST_FIRST + " LIMIT ?", s -> {
          s.setLong(1, Rows.nanos(keyedSince));
          s.setInt(2, limit);
        }, PgTasks::id);
  }

  @Override
  public int finishedCount() {
    return db.queryOne("SELECT count(*) FROM ccs_tasks WHERE status NOT IN ('PENDING', 'PROCESSING')", Db.NONE,
        row -> row.getInt(1)).orElse(0);
  }

  static Task read(ResultSet row) throws SQLException {
    return TaskJson.fromStored(Rows.parse(row.getString(1)));
  }

  private static UUID id(ResultSet row) throws SQLException {
    return row.getObject(1, UUID.class);
  }

  private static void bindState(PreparedStatement s, int index, Task task) throws SQLException {
    s.setString(index, task.status().name());
  }

  private static void setNanos(PreparedStatement s, int index, Instant at) throws SQLException {
    if (at == null) {
      s.setNull(index, Types.BIGINT);
    } else {
      s.setLong(index, Rows.nanos(at));
    }
  }
}
