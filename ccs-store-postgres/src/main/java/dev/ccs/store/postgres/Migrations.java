package dev.ccs.store.postgres;

import dev.ccs.core.error.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the schema's versions in order, all in one transaction, each with its row in
 * {@code ccs_schema_version}. A small runner rather than Flyway: ccs has a handful of forward-only
 * SQL files, and a runner of forty lines needs no dependency, no classpath scanning and no
 * configuration of its own. Nodes starting together take one advisory lock, so one migrates and the
 * others find the work done. A database at a newer version than this node knows is refused.
 */
final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** The versions, in order; file {@code migrations/V<n>__<name>.sql} beside this class. */
  static final List<String> VERSIONS = List.of("V1__stores", "V2__cluster");

  /** Any constant: the key of the advisory lock that serialises migrations across nodes. */
  private static final long LOCK_KEY = 0x6363735F6D6967L; // "ccs_mig"

  private Migrations() {
  }

  static int latest() {
    return VERSIONS.size();
  }

  /** Brings the schema up to {@code target}; returns the version it was at before. */
  static int migrate(Db db, int target) {
    return db.inTransaction(true, connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
        statement.execute("CREATE TABLE IF NOT EXISTS ccs_schema_version (version int PRIMARY KEY,"
            + " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
      }
      int current = current(connection);
      if (current > latest()) {
        throw new StoreException("the database's ccs schema is at version " + current + ", newer than this node's "
            + latest() + ": upgrade this node (or point it at another database)");
      }
      for (int version = current + 1; version <= target; version++) {
        String name = VERSIONS.get(version - 1);
        try (Statement statement = connection.createStatement()) {
          statement.execute(sql(name));
        }
        int applied = version;
        Db.update(connection, "INSERT INTO ccs_schema_version (version, name) VALUES (?, ?)", s -> {
          s.setInt(1, applied);
          s.setString(2, name);
        });
        LOG.info("database schema migrated to version {} ({})", version, name);
      }
      return current;
    });
  }

  static int current(Connection connection) throws SQLException {
    return Db.query(connection, "SELECT coalesce(max(version), 0) FROM ccs_schema_version", Db.NONE,
        row -> row.getInt(1)).get(0);
  }

  private static String sql(String name) {
    String path = "migrations/" + name + ".sql";
    try (InputStream in = Migrations.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing " + path + " beside " + Migrations.class.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }
}
