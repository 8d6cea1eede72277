package dev.ccs.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.internal.AtomicFiles;
import dev.ccs.core.internal.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of one JSON file per record, named by the record's UUID: written to a temp file,
 * forced, renamed over the old one, directory forced. A reader never sees half a record; a crash
 * leaves at worst a temp file, removed at the next load.
 */
final class RecordDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(RecordDirectory.class);

  private final Path dir;
  private final Path corrupt;

  RecordDirectory(Path dir, Path corrupt) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.corrupt = corrupt;
  }

  Path file(UUID id) {
    return dir.resolve(id + ".json");
  }

  /** Reads every record; unreadable ones are moved to the corrupt directory and skipped. */
  void load(BiConsumer<UUID, JsonNode> consumer) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(".tmp")) {
          Files.deleteIfExists(file); // an atomic write cut short by a crash
          continue;
        }
        if (!name.endsWith(".json")) {
          continue;
        }
        try {
          UUID id = UUID.fromString(name.substring(0, name.length() - ".json".length()));
          consumer.accept(id, Json.mapper().readTree(file.toFile()));
        } catch (IOException | IllegalArgumentException e) {
          setAside(file, e);
        }
      }
    }
  }

  void write(UUID id, byte[] content, boolean durable) {
    try {
      AtomicFiles.replace(file(id), content, false, durable);
    } catch (IOException e) {
      throw new StoreException("cannot write " + file(id) + ": " + e.getMessage(), e);
    }
  }

  void delete(UUID id) {
    try {
      Files.deleteIfExists(file(id));
      AtomicFiles.forceDirectory(dir);
    } catch (IOException e) {
      throw new StoreException("cannot delete " + file(id) + ": " + e.getMessage(), e);
    }
  }

  void force() {
    AtomicFiles.forceDirectory(dir);
  }

  private void setAside(Path file, Exception cause) throws IOException {
    Files.createDirectories(corrupt);
    Path target = corrupt.resolve(file.getFileName() + "." + System.currentTimeMillis());
    LOG.warn("{} cannot be read ({}); moved to {}", file, cause.getMessage(), target);
    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
  }
}
