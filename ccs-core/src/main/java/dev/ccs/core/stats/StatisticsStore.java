package dev.ccs.core.stats;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** Where {@link Statistics} keeps its snapshot (the data directory, by default). */
public interface StatisticsStore {

  /** The last snapshot saved, if any. */
  Optional<ObjectNode> load();

  /** Replaces the snapshot; on disk before this returns. */
  void save(ObjectNode snapshot);

  /**
   * The last snapshots of the other nodes sharing the store (each node counts its own runs), so
   * that the statistics answered are the cluster's; none for a store one node owns.
   */
  default List<ObjectNode> others() {
    return List.of();
  }

  /** A store that keeps the snapshot in memory only. */
  static StatisticsStore inMemory() {
    return new StatisticsStore() {
      private volatile ObjectNode saved;

      @Override
      public Optional<ObjectNode> load() {
        return Optional.ofNullable(saved).map(ObjectNode::deepCopy);
      }

      @Override
      public void save(ObjectNode snapshot) {
        saved = snapshot.deepCopy();
      }
    };
  }
}
