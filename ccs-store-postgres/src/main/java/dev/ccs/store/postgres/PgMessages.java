package dev.ccs.store.postgres;

import dev.ccs.core.json.Json;
import dev.ccs.core.session.MessagePage;
import dev.ccs.core.session.MessageQuery;
import dev.ccs.core.session.MessageStore;
import dev.ccs.core.session.SessionJson;
import dev.ccs.core.session.StoredMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Histories in {@code ccs_messages}, ordered by an identity column: an append is one batched
 * {@code INSERT}; a page reads its range on the primary key {@code (session_id, seq)}, first the
 * sizes (to cut it at its limit and {@link MessagePage#MAX_BYTES}), then only the bodies it keeps.
 */
final class PgMessages implements MessageStore {

  private final Db db;

  PgMessages(Db db) {
    this.db = db;
  }

  @Override
  public void append(UUID sessionId, List<StoredMessage> messages, boolean durable) {
    if (!messages.isEmpty()) {
      db.inTransaction(durable, connection -> {
        insert(connection, sessionId, messages);
        return null;
      });
    }
  }

  /** One batched insert, inside the caller's transaction. */
  static void insert(Connection connection, UUID sessionId, List<StoredMessage> messages) throws SQLException {
    if (messages.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO ccs_messages (session_id, id, content_chars, body) VALUES (?, ?, ?, ?)")) {
      for (StoredMessage message : messages) {
        insert.setObject(1, sessionId);
        insert.setString(2, message.id());
        insert.setInt(3, message.content() == null ? 0 : message.content().length());
        insert.setString(4, Json.write(SessionJson.toJson(message)));
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private record Size(long seq, int chars) {
  }

  @Override
  public MessagePage page(UUID sessionId, MessageQuery query) {
    return db.inTransaction(true, connection -> {
      // One snapshot for the cursors, the count and the page (REPEATABLE READ would be stricter;
      // the history only grows at its end, which a page of older messages does not see anyway).
      Long after = cursor(connection, sessionId, query.afterId(), "after_id");
      Long before = cursor(connection, sessionId, query.beforeId(), "before_id");
      int total = Db.query(connection, "SELECT count(*) FROM ccs_messages WHERE session_id = ?",
          s -> s.setObject(1, sessionId), row -> row.getInt(1)).get(0);
      List<Size> sizes = Db.query(connection, "SELECT seq, content_chars FROM ccs_messages WHERE session_id = ?"
          + " AND seq > ? AND seq < ? ORDER BY seq " + (query.newestFirst() ? "DESC" : "ASC") + " LIMIT ?", s -> {
            s.setObject(1, sessionId);
            s.setLong(2, after == null ? Long.MIN_VALUE : after);
            s.setLong(3, before == null ? Long.MAX_VALUE : before);
            s.setInt(4, query.limit() + 1);
          }, row -> new Size(row.getLong(1), row.getInt(2)));
      List<Long> kept = new ArrayList<>();
      long bytes = 0;
      boolean hasMore = false;
      for (Size size : sizes) {
        if (kept.size() >= query.limit() || (!kept.isEmpty() && bytes >= MessagePage.MAX_BYTES)) {
          hasMore = true;
          break;
        }
        kept.add(size.seq());
        bytes += size.chars();
      }
      if (kept.isEmpty()) {
        return new MessagePage(List.of(), false, total);
      }
      long low = Collections.min(kept);
      long high = Collections.max(kept);
      List<StoredMessage> messages = Db.query(connection, "SELECT body FROM ccs_messages WHERE session_id = ?"
          + " AND seq BETWEEN ? AND ? ORDER BY seq " + (query.newestFirst() ? "DESC" : "ASC"), s -> {
            s.setObject(1, sessionId);
            s.setLong(2, low);
            s.setLong(3, high);
          }, row -> SessionJson.messageFromJson(Rows.parse(row.getString(1))));
      return new MessagePage(messages, hasMore, total);
    });
  }

  private static Long cursor(Connection connection, UUID sessionId, String id, String parameter) throws SQLException {
    if (id == null) {
      return null;
    }
    List<Long> seq = Db.query(connection, "SELECT seq FROM ccs_messages WHERE session_id = ? AND id = ?", s -> {
      s.setObject(1, sessionId);
      s.setString(2, id);
    }, row -> row.getLong(1));
    if (seq.isEmpty()) {
      throw new IllegalArgumentException("\"" + parameter + "\" " + id + " is not a message of this session");
    }
    return seq.get(0);
  }

  @Override
  public List<StoredMessage> history(UUID sessionId) {
    return db.query("SELECT body FROM ccs_messages WHERE session_id = ? ORDER BY seq", s -> s.setObject(1, sessionId),
        row -> SessionJson.messageFromJson(Rows.parse(row.getString(1))));
  }

  @Override
  public int deleteHistory(UUID sessionId) {
    return db.inTransaction(true,
        c -> Db.update(c, "DELETE FROM ccs_messages WHERE session_id = ?", s -> s.setObject(1, sessionId)));
  }

  @Override
  public void purgeHistory(UUID sessionId) {
    db.inTransaction(false,
        c -> Db.update(c, "DELETE FROM ccs_messages WHERE session_id = ?", s -> s.setObject(1, sessionId)));
  }
}
