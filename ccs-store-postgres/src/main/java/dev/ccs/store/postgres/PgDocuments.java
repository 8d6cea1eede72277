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

  ProviderStateStore providerStates() {
    return new ProviderStateStore() {
      @Override
      public List<ProviderState> load() {
        return list("provider_states", "providers", ProviderState::fromJson);
      }

      @Override
      public void save(List<ProviderState> states, boolean durable) {
        saveList("provider_states", "providers", states, ProviderState::toJson, durable);
      }
    };
  }

  /** A node's statistics: each node keeps its own snapshot (its counters are its own until merged). */
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
    };
  }
}
