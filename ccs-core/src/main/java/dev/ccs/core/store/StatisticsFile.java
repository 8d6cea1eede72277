package dev.ccs.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.error.StoreException;
import dev.ccs.core.io.AtomicFiles;
import dev.ccs.core.json.Json;
import dev.ccs.core.stats.StatisticsStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statistics snapshot, {@code dataDir/statistics/statistics.json}, replaced atomically and
 * fsynced (once per collection interval, not per run). A file that cannot be read is moved to
 * {@code corrupt/}; the statistics are then counted again from the histories.
 */
final class StatisticsFile implements StatisticsStore {

  private static final Logger LOG = LoggerFactory.getLogger(StatisticsFile.class);

  private final Path file;
  private final Path corruptDir;
  private final Clock clock;

  StatisticsFile(Path dir, Path corruptDir, Clock clock) {
    this.file = dir.resolve("statistics.json");
    this.corruptDir = corruptDir;
    this.clock = clock;
  }

  @Override
  public synchronized Optional<ObjectNode> load() {
    try {
      JsonNode root = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
      if (root instanceof ObjectNode object && object.path("version").asInt() == 1) {
        return Optional.of(object);
      }
      throw new IOException("not a statistics snapshot of version 1");
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("{} cannot be read ({}); statistics are counted again from the session histories", file,
          e.getMessage());
      try {
        Files.createDirectories(corruptDir);
        Files.move(file, corruptDir.resolve("statistics.json." + clock.millis()), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moveFailed) {
        throw new StoreException("cannot set aside " + file + ": " + moveFailed.getMessage(), moveFailed);
      }
      return Optional.empty();
    }
  }

  @Override
  public synchronized void save(ObjectNode snapshot) {
    try {
      AtomicFiles.replace(file, Json.writeBytes(snapshot), true, true);
    } catch (IOException e) {
      throw new StoreException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
