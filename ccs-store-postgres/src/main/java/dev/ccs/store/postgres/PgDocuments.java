package dev.ccs.store.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.balance.ProviderState;
import dev.ccs.core.balance.ProviderStateStore;
import dev.ccs.core.json.Json;
import dev.ccs.core.stats.StatisticsStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Small documents kept whole in {@code ccs_documents}, one row each, replaced in one statement: the
 * balancer's provider states and each node's statistics.
 */
final class PgDocuments {

  private final Db db;

  PgDocuments(Db db) {
    this.db = db;
  }

  Optional<JsonNode> load(String name) {
    return db.queryOne("SELECT body FROM ccs_documents WHERE name = ?", s -> s.setString(1, name),
        row -> Rows.parse(row.getString(1)));
  }

  void save(String name, JsonNode body, boolean durable) {
    db.inTransaction(durable, c -> Db.update(c, "INSERT INTO ccs_documents (name, version, body) VALUES (?, 1, ?)"
        + " ON CONFLICT (name) DO UPDATE SET version = ccs_documents.version + 1, body = EXCLUDED.body", s -> {
          s.setString(1, name);
          s.setString(2, Json.write(body));
        }));
  }

  private <T> List<T> list(String name, String field, Function<JsonNode, T> read) {
    List<T> items = new ArrayList<>();
    load(name).ifPresent(root -> root.path(field).forEach(node -> items.add(read.apply(node))));
    return items;
  }

  private <T> void saveList(String name, String field, List<T> items, Function<T, JsonNode> write, boolean durable) {
    ObjectNode root = Json.object();
    ArrayNode array = root.putArray(field);
    items.forEach(item -> array.add(write.apply(item)));
    save(name, root, durable);
  }

  /**
   * The providers' states: each node's own (its counters, what it saw), and what the nodes share
   * (an operator's enable or disable, breakers): a durable save (an operator's action, a breaker that
   * opened or closed) also replaces the shared document and tells the other nodes, which adopt it.
   */
  ProviderStateStore providerStates(String nodeId, PgListener listener) {
    String own = "provider_states/" + nodeId;
    String shared = "provider_states";
    return new ProviderStateStore() {
      @Override
      public List<ProviderState> load() {
        java.util.Map<String, ProviderState> common = new java.util.HashMap<>();
        list(shared, "providers", ProviderState::fromJson).forEach(state -> common.put(state.id(), state));
        List<ProviderState> states = new ArrayList<>();
        for (ProviderState mine : list(own, "providers", ProviderState::fromJson)) {
          ProviderState theirs = common.remove(mine.id());
          states.add(theirs == null ? mine : new ProviderState(mine.id(), theirs.enabledOverride(), theirs.breaker(),
              mine.totalRequests(), mine.totalFailures(), mine.lastError(), mine.lastErrorAt(), mine.lastUsedAt()));
        }
        states.addAll(common.values());
        return states;
      }

      @Override
      public void save(List<ProviderState> states, boolean durable) {
        saveList(own, "providers", states, ProviderState::toJson, durable);
        if (durable) {
          ObjectNode root = Json.object();
          ArrayNode array = root.putArray("providers");
          states.forEach(state -> array.add(state.toJson()));
          db.inTransaction(true, c -> {
            Db.update(c, "INSERT INTO ccs_documents (name, version, body) VALUES (?, 1, ?) ON CONFLICT (name)"
                + " DO UPDATE SET version = ccs_documents.version + 1, body = EXCLUDED.body", s -> {
                  s.setString(1, shared);
                  s.setString(2, Json.write(root));
                });
            PgListener.notifyChange(c, "providers", nodeId);
            return null;
          });
        }
      }

      @Override
      public void onChange(Runnable changed) {
        listener.onChange("providers", changed);
      }
    };
  }

  /** A node's statistics: each node counts its own runs; the others' last snapshots are added to what is answered. */
  StatisticsStore statistics(String nodeId) {
    String name = "statistics/" + nodeId;
    return new StatisticsStore() {
      @Override
      public Optional<ObjectNode> load() {
        return PgDocuments.this.load(name).filter(JsonNode::isObject).map(ObjectNode.class::cast);
      }

      @Override
      public void save(ObjectNode snapshot) {
        PgDocuments.this.save(name, snapshot, true);
      }

      @Override
      public List<ObjectNode> others() {
        return db.query("SELECT body FROM ccs_documents WHERE starts_with(name, 'statistics/') AND name <> ?",
            s -> s.setString(1, name), row -> Rows.parse(row.getString(1))).stream()
            .filter(JsonNode::isObject).map(ObjectNode.class::cast).toList();
      }
    };
  }
}
