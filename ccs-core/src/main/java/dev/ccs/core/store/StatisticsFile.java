package dev.ccs.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.stats.StatisticsStore;
import dev.ccs.core.io.AtomicFiles;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Optional;

/**
 * The statistics snapshot, {@code dataDir/statistics/ccs-statistics.json} ({@link SmallJsonFile},
 * fsynced once per collection interval, not per run). An unreadable file is set aside; the statistics
 * are then counted again from the histories. {@code statistics.json} beside it is the Node server's
 * (same directory, same name): left as it is. Ours had that name before; such a file (it has
 * {@code "version": 1}) is renamed once.
 */
final class StatisticsFile implements StatisticsStore {

  private final SmallJsonFile file;

  StatisticsFile(Path dir, Path corruptDir, Clock clock) {
    Path ours = dir.resolve("ccs-statistics.json");
    migrate(dir.resolve("statistics.json"), ours);
    this.file = new SmallJsonFile(ours, corruptDir, clock);
  }

  private static void migrate(Path old, Path ours) {
    try {
      if (!Files.exists(ours) && Files.exists(old) && Json.parse(Files.readString(old)).path("version").asInt() == 1) {
        Files.move(old, ours, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.forceDirectory(ours.getParent());
      }
    } catch (IOException | RuntimeException e) {
      // Not ours, or unreadable: left where it is.
    }
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
