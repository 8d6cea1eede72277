package dev.ccs.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.stats.StatisticsStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The statistics snapshot, {@code dataDir/statistics/statistics.json} ({@link SmallJsonFile}, fsynced
 * once per collection interval, not per run). An unreadable file is set aside; the statistics are
 * then counted again from the histories.
 */
final class StatisticsFile implements StatisticsStore {

  private final SmallJsonFile file;

  StatisticsFile(Path dir, Path corruptDir, Clock clock) {
    this.file = new SmallJsonFile(dir.resolve("statistics.json"), corruptDir, clock);
  }

  @Override
  public Optional<ObjectNode> load() {
    return file.read(root -> {
      if (root instanceof ObjectNode object && object.path("version").asInt() == 1) {
        return object;
      }
      throw new IllegalArgumentException("not a statistics snapshot of version 1");
    }, "statistics are counted again from the session histories");
  }

  @Override
  public void save(ObjectNode snapshot) {
    file.replace(snapshot, true);
  }
}
