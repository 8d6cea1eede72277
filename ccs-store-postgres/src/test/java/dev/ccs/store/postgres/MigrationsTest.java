package dev.ccs.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.ccs.core.error.StoreException;
import dev.ccs.core.json.Json;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.task.NewTask;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The schema from an empty database, from the previous version with data in it, and a newer one refused. */
class MigrationsTest {

  private final Instant t0 = Instant.parse("2026-11-30T10:00:00Z");

  private static HikariDataSource pool(String url) {
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl(url);
    pool.setMaximumPoolSize(2);
    return pool;
  }

  private static List<String> tables(Db db) {
    return db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        + " ORDER BY table_name", Db.NONE, row -> row.getString(1));
  }

  private static int version(Db db) {
    return db.withConnection(Migrations::current);
  }

  @Test
  void anEmptyDatabaseIsBroughtToTheLatestVersionOnceEvenWhenNodesStartTogether() throws Exception {
    String url = PgServer.newDatabase();
    try (HikariDataSource pool = pool(url)) {
      Db db = new Db(pool);
      // Three nodes starting at once: one migrates, the others find it done (the advisory lock).
      List<Thread> nodes = List.of(new Thread(() -> Migrations.migrate(db, Migrations.latest())),
          new Thread(() -> Migrations.migrate(db, Migrations.latest())),
          new Thread(() -> Migrations.migrate(db, Migrations.latest())));
      nodes.forEach(Thread::start);
      for (Thread node : nodes) {
        node.join();
      }
      assertThat(version(db)).isEqualTo(Migrations.latest()).isEqualTo(2);
      assertThat(tables(db)).containsExactly("ccs_api_keys", "ccs_deliveries", "ccs_documents", "ccs_messages", "ccs_nodes",
          "ccs_schema_version", "ccs_session_leases", "ccs_sessions", "ccs_tasks");
      assertThat(db.query("SELECT version FROM ccs_schema_version ORDER BY version", Db.NONE, row -> row.getInt(1)))
          .containsExactly(1, 2);
      assertThat(Migrations.migrate(db, Migrations.latest())).as("nothing to do the second time").isEqualTo(2);
    }
  }

  @Test
  void aDatabaseAtTheFirstVersionKeepsItsRecordsThroughTheSecond() throws Exception {
    String url = PgServer.newDatabase();
    UUID sessionId = UUID.randomUUID();
    UUID taskId = UUID.randomUUID();
    try (HikariDataSource pool = pool(url)) {
      Db db = new Db(pool);
      Migrations.migrate(db, 1);
      assertThat(version(db)).isEqualTo(1);
      // What a version-1 node wrote: a session with a turn, a running task.
      PgSessions sessions = new PgSessions(db);
      Session session = sessions.create(Session.create(sessionId, t0, "/w", null, Json.object(), null), true);
      new PgMessages(db).append(sessionId, List.of(new StoredMessage(StoredMessage.newId(), sessionId, "user", "q",
          t0, Json.object())), true);
      Task task = Task.pending(NewTask.of("p", 5), taskId, 1, t0, new Task.SessionRef(sessionId, "/w"),
          new Task.IdempotencyRef("k", "h"), null);
      db.update("INSERT INTO ccs_tasks (id, version, sequence, status, priority, batch, created_ns, cost_usd,"
          + " dead_letter, idempotency_key, session_id, body) VALUES (?, 2, 1, 'PROCESSING', 5, false, ?, 0, false,"
          + " 'k', ?, ?)", s -> {
            s.setObject(1, taskId);
            s.setLong(2, Rows.nanos(t0));
            s.setObject(3, sessionId);
            s.setString(4, Json.write(dev.ccs.core.task.TaskJson.toStored(task.toBuilder().version(2)
                .status(TaskStatus.PROCESSING).build())));
          });
      db.update("INSERT INTO ccs_deliveries (id, task_id, finished, created_ns, body) VALUES (?, ?, false, ?, ?)",
          s -> {
            s.setObject(1, UUID.randomUUID());
            s.setObject(2, taskId);
            s.setLong(3, Rows.nanos(t0));
            s.setString(4, "{}");
          });
      assertThat(session.version()).isEqualTo(1);
    }
    // A version-2 node opens it.
    try (PostgresStorage storage = PostgresStorage.open(PostgresSettings.builder(url, "node-a").build())) {
      try (HikariDataSource pool = pool(url)) {
        assertThat(version(new Db(pool))).isEqualTo(2);
      }
      assertThat(storage.sessions().get(sessionId)).isPresent();
      assertThat(storage.messages().history(sessionId)).extracting(StoredMessage::content).containsExactly("q");
      // The running task of the old node has no lease: any node takes it over.
      assertThat(storage.tasks().get(taskId).orElseThrow().status()).isEqualTo(TaskStatus.PROCESSING);
      assertThat(storage.tasks().sharedLine().orElseThrow().takeOverExpired(10)).containsExactly(taskId);
      assertThat(storage.tasks().withIdempotencyKeySince(t0)).hasSize(1);
    }
  }

  @Test
  void aDatabaseOfANewerVersionIsRefused() throws SQLException {
    String url = PgServer.newDatabase();
    try (HikariDataSource pool = pool(url)) {
      Db db = new Db(pool);
      Migrations.migrate(db, Migrations.latest());
      try (Connection c = pool.getConnection()) {
        c.createStatement().execute("INSERT INTO ccs_schema_version (version, name) VALUES (99, 'V99__future')");
      }
      assertThatThrownBy(() -> Migrations.migrate(db, Migrations.latest())).isInstanceOf(StoreException.class)
          .hasMessageContaining("version 99, newer than this node's 2");
    }
  }
}
