package dev.ccs.store.postgres;

import dev.ccs.core.error.CcsException;
import dev.ccs.core.error.StaleVersionException;
import dev.ccs.core.json.Json;
import dev.ccs.core.money.Usd;
import dev.ccs.core.session.ProjectSummary;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionFilter;
import dev.ccs.core.session.SessionJson;
import dev.ccs.core.session.SessionStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Sessions in {@code ccs_sessions}: a change is one {@code UPDATE ... WHERE version = ?}, a list one
 * index range scan ({@code ccs_sessions_updated}, {@code _status}, {@code _project}) cut at its limit.
 */
final class PgSessions implements SessionStore {

  private static final String COLUMNS =
      "id, version, status, project_path, updated_ns, search_text, metadata_bytes, body";

  private final Db db;

  PgSessions(Db db) {
    this.db = db;
  }

  @Override
  public Session create(Session session, boolean durable) {
    Session stored = session.withVersion(1);
    return db.inTransaction(durable, connection -> {
      int inserted = Db.update(connection, "INSERT INTO ccs_sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (id) DO NOTHING", statement -> bind(statement, stored));
      if (inserted == 0) {
        throw new StaleVersionException("session " + session.id() + " already exists");
      }
      return stored;
    });
  }

  @Override
  public Optional<Session> get(UUID id) {
    return db.queryOne("SELECT body FROM ccs_sessions WHERE id = ?", s -> s.setObject(1, id), PgSessions::read);
  }

  @Override
  public Session update(Session session, boolean durable) {
    return db.inTransaction(durable, connection -> update(connection, session));
  }

  /** The versioned update, inside the caller's transaction (a turn adds its messages to it). */
  static Session update(Connection connection, Session session) throws SQLException {
    Session stored = session.withVersion(session.version() + 1);
    int updated = Db.update(connection, "UPDATE ccs_sessions SET version = ?, status = ?, project_path = ?,"
        + " updated_ns = ?, search_text = ?, metadata_bytes = ?, body = ? WHERE id = ? AND version = ?", s -> {
          s.setLong(1, stored.version());
          s.setString(2, stored.status().name());
          s.setString(3, stored.projectPath());
          s.setLong(4, Rows.nanos(stored.updatedAt()));
          s.setString(5, searchText(stored));
          s.setInt(6, metadataBytes(stored));
          s.setString(7, Json.write(SessionJson.toJson(stored)));
          s.setObject(8, stored.id());
          s.setLong(9, session.version());
        });
    if (updated == 0) {
      List<Long> current = Db.query(connection, "SELECT version FROM ccs_sessions WHERE id = ?",
          s -> s.setObject(1, session.id()), row -> row.getLong(1));
      if (current.isEmpty()) {
        throw new CcsException.NotFound("Session not found: " + session.id());
      }
      throw new StaleVersionException("session " + session.id() + " changed concurrently (version "
          + current.get(0) + ", expected " + session.version() + ")");
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
        connection -> Db.update(connection, "DELETE FROM ccs_sessions WHERE id = ?", s -> s.setObject(1, id)) > 0);
  }

  @Override
  public List<Session> list(SessionFilter filter, int limit) {
    StringBuilder sql = new StringBuilder("SELECT body FROM ccs_sessions WHERE true");
    List<Object> values = new ArrayList<>();
    if (filter.status() != null) {
      sql.append(" AND status = ?");
      values.add(filter.status().name());
    }
    if (filter.projectPath() != null) {
      sql.append(" AND project_path = ?");
      values.add(filter.projectPath());
    }
    if (filter.after() != null) {
      long at = Rows.nanos(filter.after().updatedAt());
      sql.append(" AND (updated_ns < ? OR (updated_ns = ? AND id > ?))");
      values.add(at);
      values.add(at);
      values.add(filter.after().id());
    }
    sql.append(" ORDER BY updated_ns DESC, id LIMIT ?");
    values.add(limit);
    return db.query(sql.toString(), s -> bindAll(s, values), PgSessions::read);
  }

  @Override
  public List<Session> search(String text, int limit) {
    // strpos, not LIKE: the text needs no escaping. A search reads sessions newest first until it
    // has its page (a trigram index would need the pg_trgm extension, not everywhere installed).
    return db.query("SELECT body FROM ccs_sessions WHERE strpos(search_text, ?) > 0"
        + " ORDER BY updated_ns DESC, id LIMIT ?",
        s -> {
          s.setString(1, text.toLowerCase(Locale.ROOT));
          s.setInt(2, limit);
        }, PgSessions::read);
  }

  @Override
  public List<Session> all() {
    return db.query("SELECT body FROM ccs_sessions ORDER BY updated_ns DESC, id", Db.NONE, PgSessions::read);
  }

  /** Added up in the database: one row per project comes back, not every session. */
  @Override
  public List<ProjectSummary> projectTotals() {
    return db.query("SELECT project_path, count(*), coalesce(sum((body::jsonb ->> 'total_cost_usd')::numeric), 0),"
        + " coalesce(sum((body::jsonb ->> 'messages_count')::bigint), 0), max(updated_ns),"
        + " min((body::jsonb ->> 'created_at')::timestamptz) FROM ccs_sessions GROUP BY project_path", Db.NONE,
        row -> new ProjectSummary(row.getString(1), row.getString(1), row.getInt(2), Usd.normalize(row.getBigDecimal(3)),
            row.getLong(4), Rows.instant(row.getLong(5)), row.getTimestamp(6).toInstant()));
  }

  @Override
  public List<Session> updatedBefore(Instant cutoff, int limit) {
    return db.query("SELECT body FROM ccs_sessions WHERE updated_ns < ? ORDER BY updated_ns, id LIMIT ?", s -> {
      s.setLong(1, Rows.nanos(cutoff));
      s.setInt(2, limit);
    }, PgSessions::read);
  }

  @Override
  public int size() {
    return db.queryOne("SELECT count(*) FROM ccs_sessions", Db.NONE, row -> row.getInt(1)).orElse(0);
  }

  @Override
  public long metadataBytes() {
    return db.queryOne("SELECT coalesce(sum(metadata_bytes), 0) FROM ccs_sessions", Db.NONE, row -> row.getLong(1))
        .orElse(0L);
  }

  private static Session read(ResultSet row) throws SQLException {
    return SessionJson.fromJson(Rows.parse(row.getString(1)));
  }

  private static void bind(PreparedStatement s, Session session) throws SQLException {
    s.setObject(1, session.id());
    s.setLong(2, session.version());
    s.setString(3, session.status().name());
    s.setString(4, session.projectPath());
    s.setLong(5, Rows.nanos(session.updatedAt()));
    s.setString(6, searchText(session));
    s.setInt(7, metadataBytes(session));
    s.setString(8, Json.write(SessionJson.toJson(session)));
  }

  static void bindAll(PreparedStatement s, List<Object> values) throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      s.setObject(i + 1, values.get(i));
    }
  }

  private static String searchText(Session session) {
    return (session.id() + " " + session.metadataJson()).toLowerCase(Locale.ROOT);
  }

  /** What the file store counts for its memory bound: a byte per character, two beyond Latin-1. */
  private static int metadataBytes(Session session) {
    String text = session.metadataJson();
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0xFF) {
        return text.length() * 2;
      }
    }
    return text.length();
  }
}
