package dev.ccs.store.postgres;

import dev.ccs.core.auth.ApiKey;
import dev.ccs.core.auth.ApiKeyStore;
import dev.ccs.core.json.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The named API keys in {@code ccs_api_keys}, a row per key, shared by the nodes. A node saves its
 * whole list ({@link ApiKeyStore}), which may lack keys another node created since: so a save
 * inserts the keys this node made, updates those it knew (a key revoked elsewhere is not brought
 * back), and deletes only those it knew and dropped. Other nodes hear of a change and read the
 * keys again.
 */
final class PgApiKeys implements ApiKeyStore {

  private static final String TOPIC = "keys";

  private final Db db;
  private final String nodeId;
  private final PgListener listener;
  /** The hashes this node read or wrote last. */
  private final Set<String> known = new HashSet<>();

  PgApiKeys(Db db, String nodeId, PgListener listener) {
    this.db = db;
    this.nodeId = nodeId;
    this.listener = listener;
  }

  @Override
  public synchronized List<ApiKey> load() {
    List<ApiKey> keys = db.query("SELECT body FROM ccs_api_keys", Db.NONE,
        row -> ApiKey.fromJson(Rows.parse(row.getString(1))));
    known.clear();
    keys.forEach(key -> known.add(key.hash()));
    return keys;
  }

  @Override
  public synchronized void save(List<ApiKey> keys, boolean durable) {
    Set<String> now = new HashSet<>();
    db.inTransaction(durable, connection -> {
      for (ApiKey key : keys) {
        now.add(key.hash());
        String body = Json.write(key.toJson());
        if (known.contains(key.hash())) {
          Db.update(connection, "UPDATE ccs_api_keys SET body = ? WHERE hash = ?", s -> {
            s.setString(1, body);
            s.setString(2, key.hash());
          });
        } else {
          Db.update(connection, "INSERT INTO ccs_api_keys (hash, body) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING",
              s -> {
                s.setString(1, key.hash());
                s.setString(2, body);
              });
        }
      }
      for (String dropped : known) {
        if (!now.contains(dropped)) {
          Db.update(connection, "DELETE FROM ccs_api_keys WHERE hash = ?", s -> s.setString(1, dropped));
        }
      }
      if (durable) {
        // A key made or revoked (not a last-used time): the other nodes read the keys again.
        PgListener.notifyChange(connection, TOPIC, nodeId);
      }
      return null;
    });
    known.clear();
    known.addAll(now);
  }

  @Override
  public void onChange(Runnable changed) {
    listener.onChange(TOPIC, changed);
  }
}
