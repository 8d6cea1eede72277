package dev.ccs.store.postgres;

import dev.ccs.core.cluster.Cluster;
import dev.ccs.core.session.TurnHold;
import dev.ccs.core.task.SharedLine;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What several nodes sharing one database coordinate through it: the task line ({@link SharedLine}:
 * claims with {@code FOR UPDATE SKIP LOCKED} under leases), one turn at a time per session (a lease
 * row per session), and the heartbeat that renews this node's leases every third of
 * {@code store.leaseMs}. Lease times are the database's clock. A node that cannot renew in time
 * gives up what it holds ({@code lost}), so that no task runs on two nodes for long.
 */
final class PgCluster implements SharedLine, Cluster {

  private static final Logger LOG = LoggerFactory.getLogger(PgCluster.class);
  /** The advisory lock that serialises claims while a global cap is set. */
  private static final long CLAIM_LOCK = 0x6363735F636C6DL; // "ccs_clm"

  private final Db db;
  private final String nodeId;
  private final Duration lease;
  private final Integer globalConcurrency;
  private final Clock clock;
  private final PgListener listener;
  private final Set<UUID> heldTasks = ConcurrentHashMap.newKeySet();
  private final Set<UUID> heldSessions = ConcurrentHashMap.newKeySet();
  private final Object sessionFreed = new Object();
  private final ScheduledExecutorService heartbeat;
  private volatile boolean reachable = true;
  private volatile long lastRenewedNanos = System.nanoTime();
  private volatile Consumer<UUID> lost = id -> { };
  private static final long WAITING_TTL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  private volatile long waitingCountedAt = System.nanoTime() - WAITING_TTL_NANOS - 1;
  private volatile int waitingCount;

  PgCluster(Db db, PostgresSettings settings, Duration lease, Integer globalConcurrency, Clock clock) {
    this.db = db;
    this.nodeId = settings.nodeId();
    this.lease = lease;
    this.globalConcurrency = globalConcurrency;
    this.clock = clock;
    this.listener = new PgListener(settings, this::sessionFreed);
    db.update("INSERT INTO ccs_nodes (id, started_at, heartbeat_at) VALUES (?, clock_timestamp(), clock_timestamp())"
        + " ON CONFLICT (id) DO UPDATE SET started_at = EXCLUDED.started_at, heartbeat_at = EXCLUDED.heartbeat_at",
        s -> s.setString(1, nodeId));
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "ccs-pg-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
    long every = Math.max(100, lease.toMillis() / 3);
    heartbeat.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    listener.start();
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  private double leaseSeconds() {
    return lease.toMillis() / 1000.0;
  }

  // ---------------------------------------------------------------- the task line

  @Override
  public Optional<UUID> claim() {
    long now = Rows.nanos(clock.instant());
    List<UUID> claimed = db.inTransaction(true, connection -> {
      if (globalConcurrency != null) {
        Db.query(connection, "SELECT pg_advisory_xact_lock(" + CLAIM_LOCK + ")", Db.NONE, row -> null);
        int running = Db.query(connection, "SELECT count(*) FROM ccs_tasks WHERE status = 'PROCESSING'"
            + " OR (status = 'PENDING' AND lease_expires > clock_timestamp())", Db.NONE, row -> row.getInt(1)).get(0);
        if (running >= globalConcurrency) {
          return List.of();
        }
      }
      return Db.query(connection, "WITH next AS (SELECT id FROM ccs_tasks WHERE status = 'PENDING'"
          + " AND (lease_expires IS NULL OR lease_expires < clock_timestamp())"
          + " AND (not_before_ns IS NULL OR not_before_ns <= ?)"
          + " ORDER BY batch DESC, priority DESC, sequence LIMIT 1 FOR UPDATE SKIP LOCKED)"
          + " UPDATE ccs_tasks t SET lease_owner = ?, lease_expires = clock_timestamp() + make_interval(secs => ?)"
          + " FROM next WHERE t.id = next.id RETURNING t.id", s -> {
            s.setLong(1, now);
            s.setString(2, nodeId);
            s.setDouble(3, leaseSeconds());
          }, row -> row.getObject(1, UUID.class));
    });
    claimed.forEach(heldTasks::add);
    return claimed.stream().findFirst();
  }

  @Override
  public void giveBack(UUID id) {
    heldTasks.remove(id);
    db.inTransaction(true, connection -> {
      Db.update(connection, "UPDATE ccs_tasks SET lease_owner = NULL, lease_expires = NULL"
          + " WHERE id = ? AND lease_owner = ? AND status = 'PENDING'", s -> {
            s.setObject(1, id);
            s.setString(2, nodeId);
          });
      PgTasks.notifyArrived(connection);
      return null;
    });
  }

  @Override
  public List<UUID> takeOverExpired(int limit) {
    List<UUID> taken = db.inTransaction(true, connection -> Db.query(connection,
        "WITH expired AS (SELECT id FROM ccs_tasks WHERE status = 'PROCESSING'"
            + " AND (lease_expires IS NULL OR lease_expires < clock_timestamp())"
            + " ORDER BY lease_expires NULLS FIRST LIMIT ? FOR UPDATE SKIP LOCKED)"
            + " UPDATE ccs_tasks t SET lease_owner = ?, lease_expires = clock_timestamp() + make_interval(secs => ?)"
            + " FROM expired WHERE t.id = expired.id RETURNING t.id", s -> {
              s.setInt(1, limit);
              s.setString(2, nodeId);
              s.setDouble(3, leaseSeconds());
            }, row -> row.getObject(1, UUID.class)));
    taken.forEach(heldTasks::add);
    return taken;
  }

  @Override
  public List<UUID> heldBefore() {
    return db.query("SELECT id FROM ccs_tasks WHERE lease_owner = ? AND status IN ('PENDING', 'PROCESSING')"
        + " ORDER BY sequence", s -> s.setString(1, nodeId), row -> row.getObject(1, UUID.class));
  }

  /**
   * Counted at most every quarter second (a submission checks {@code taskQueue.maxPending} with it):
   * across nodes the bound may be passed by what they accept within that time.
   */
  @Override
  public int waiting() {
    long now = System.nanoTime();
    if (now - waitingCountedAt > WAITING_TTL_NANOS) {
      waitingCount = db.queryOne("SELECT count(*) FROM ccs_tasks WHERE status = 'PENDING'", Db.NONE,
          row -> row.getInt(1)).orElse(0);
      waitingCountedAt = now;
    }
    return waitingCount;
  }

  @Override
  public void listen(Runnable arrived, Consumer<UUID> ended, Consumer<UUID> lostTask) {
    this.lost = lostTask;
    listener.onTasks(arrived, (id, by) -> {
      if (!nodeId.equals(by)) {
        ended.accept(id);
      }
    });
  }

  @Override
  public boolean reachable() {
    return reachable;
  }

  // ---------------------------------------------------------------- the nodes

  /** A node is live while its heartbeat is younger than two leases. */
  private static final String LIVE = "heartbeat_at > clock_timestamp() - make_interval(secs => ?)";

  @Override
  public void advertise(String baseUrl) {
    db.update("UPDATE ccs_nodes SET url = ? WHERE id = ?", s -> {
      s.setString(1, baseUrl);
      s.setString(2, nodeId);
    });
  }

  @Override
  public Optional<String> urlOf(String node) {
    return db.queryOne("SELECT url FROM ccs_nodes WHERE id = ? AND url IS NOT NULL AND " + LIVE, s -> {
      s.setString(1, node);
      s.setDouble(2, 2 * leaseSeconds());
    }, row -> row.getString(1));
  }

  @Override
  public Optional<String> nodeOfStreamTag(String tag) {
    return db.query("SELECT id FROM ccs_nodes WHERE " + LIVE, s -> s.setDouble(1, 2 * leaseSeconds()),
        row -> row.getString(1)).stream().filter(id -> Cluster.streamTag(id).equals(tag)).findFirst();
  }

  @Override
  public Optional<String> taskOwner(UUID taskId) {
    return db.queryOne("SELECT lease_owner FROM ccs_tasks WHERE id = ? AND status IN ('PENDING', 'PROCESSING')"
        + " AND lease_expires > clock_timestamp()", s -> s.setObject(1, taskId), row -> row.getString(1));
  }

  @Override
  public Optional<String> sessionTurnOwner(UUID sessionId) {
    return db.queryOne("SELECT owner FROM ccs_session_leases WHERE session_id = ? AND expires > clock_timestamp()",
        s -> s.setObject(1, sessionId), row -> row.getString(1));
  }

  // ---------------------------------------------------------------- sessions

  /**
   * Holds the session's lease row, waiting while another node has it (woken by the holder's
   * release, or every 250 ms).
   */
  TurnHold holdTurn(UUID sessionId) throws InterruptedException {
    while (true) {
      boolean held = db.inTransaction(true, connection -> !Db.query(connection,
          "INSERT INTO ccs_session_leases (session_id, owner, expires)"
              + " VALUES (?, ?, clock_timestamp() + make_interval(secs => ?))"
              + " ON CONFLICT (session_id) DO UPDATE SET owner = EXCLUDED.owner, expires = EXCLUDED.expires"
              // This node's own row is a previous life's (its turn locks admit one turn at a time).
              + " WHERE ccs_session_leases.expires < clock_timestamp() OR ccs_session_leases.owner = EXCLUDED.owner"
              + " RETURNING session_id", s -> {
                s.setObject(1, sessionId);
                s.setString(2, nodeId);
                s.setDouble(3, leaseSeconds());
              }, row -> row.getObject(1, UUID.class)).isEmpty());
      if (held) {
        heldSessions.add(sessionId);
        return () -> release(sessionId);
      }
      synchronized (sessionFreed) {
        sessionFreed.wait(250);
      }
    }
  }

  private void release(UUID sessionId) {
    heldSessions.remove(sessionId);
    try {
      db.inTransaction(true, connection -> {
        Db.update(connection, "DELETE FROM ccs_session_leases WHERE session_id = ? AND owner = ?", s -> {
          s.setObject(1, sessionId);
          s.setString(2, nodeId);
        });
        Db.query(connection, "SELECT pg_notify('ccs_sessions', ?)", s -> s.setString(1, sessionId.toString()),
            row -> null);
        return null;
      });
    } catch (RuntimeException e) {
      // The lease expires on its own; the next turn waits for that.
      LOG.warn("could not release the lease of session {}: {}", sessionId, e.getMessage());
    }
  }

  private void sessionFreed() {
    synchronized (sessionFreed) {
      sessionFreed.notifyAll();
    }
  }

  // ---------------------------------------------------------------- heartbeat

  /** Renews the node, its tasks' and its sessions' leases; gives up what it can no longer hold. */
  private void renew() {
    try {
      List<UUID> tasks = new ArrayList<>(heldTasks);
      List<UUID> sessions = new ArrayList<>(heldSessions);
      List<UUID> kept = db.inTransaction(true, connection -> {
        Db.update(connection, "UPDATE ccs_nodes SET heartbeat_at = clock_timestamp() WHERE id = ?",
            s -> s.setString(1, nodeId));
        if (!sessions.isEmpty()) {
          Db.update(connection, "UPDATE ccs_session_leases SET expires = clock_timestamp() + make_interval(secs => ?)"
              + " WHERE owner = ? AND session_id = ANY(?)", s -> {
                s.setDouble(1, leaseSeconds());
                s.setString(2, nodeId);
                s.setArray(3, uuids(connection, sessions));
              });
        }
        if (tasks.isEmpty()) {
          return List.of();
        }
        return Db.query(connection, "UPDATE ccs_tasks SET lease_expires = clock_timestamp() + make_interval(secs => ?)"
            + " WHERE id = ANY(?) AND lease_owner = ? AND status IN ('PENDING', 'PROCESSING') RETURNING id", s -> {
              s.setDouble(1, leaseSeconds());
              s.setArray(2, uuids(connection, tasks));
              s.setString(3, nodeId);
            }, row -> row.getObject(1, UUID.class));
      });
      reachable = true;
      lastRenewedNanos = System.nanoTime();
      for (UUID id : tasks) {
        if (!kept.contains(id)) {
          // Ended (by this node or another), requeued, or taken over: not this node's any more.
          heldTasks.remove(id);
          lost.accept(id);
        }
      }
    } catch (RuntimeException e) {
      reachable = false;
      long since = System.nanoTime() - lastRenewedNanos;
      LOG.warn("cannot reach the database to renew this node's leases: {}", e.getMessage());
      if (since > lease.toNanos() * 2 / 3) {
        // Others take these over once the leases expire: stop running them before that.
        for (UUID id : List.copyOf(heldTasks)) {
          heldTasks.remove(id);
          lost.accept(id);
        }
      }
    }
  }

  private static Array uuids(Connection connection, List<UUID> ids) throws SQLException {
    return connection.createArrayOf("uuid", ids.toArray());
  }

  /** Marks the database unreachable after a failed statement (the heartbeat marks it reachable again). */
  void failed() {
    reachable = false;
  }

  PgListener listener() {
    return listener;
  }

  void close() {
    heartbeat.shutdownNow();
    listener.close();
    try {
      db.update("UPDATE ccs_nodes SET heartbeat_at = clock_timestamp() WHERE id = ?", s -> s.setString(1, nodeId));
    } catch (RuntimeException e) {
      // closing anyway
    }
  }
}
