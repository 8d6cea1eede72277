package dev.ccs.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.error.StoreException;
import dev.ccs.core.io.AtomicFiles;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One small JSON document kept whole in one file, replaced atomically (temp file, rename, fsync when
 * asked). A file that cannot be read is moved to {@code corrupt/} (dated by the clock) and treated as
 * absent, so that a torn or hand-broken file never stops the server.
 */
final class SmallJsonFile {

  private static final Logger LOG = LoggerFactory.getLogger(SmallJsonFile.class);

  private final Path file;
  private final Path corruptDir;
  private final Clock clock;

  SmallJsonFile(Path file, Path corruptDir, Clock clock) {
    this.file = file;
    this.corruptDir = corruptDir;
    this.clock = clock;
  }

  /**
   * The document as {@code reader} makes it; empty when there is none, or when it cannot be read
   * (bad JSON, or {@code reader} throws {@link IllegalArgumentException}): then it is set aside and
   * {@code consequence} is logged.
   */
  synchronized <T> Optional<T> read(Function<JsonNode, T> reader, String consequence) {
    try {
      return Optional.of(reader.apply(Json.parse(Files.readString(file, StandardCharsets.UTF_8))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("{} cannot be read ({}); {}", file, e.getMessage(), consequence);
      try {
        Files.createDirectories(corruptDir);
        Files.move(file, corruptDir.resolve(file.getFileName() + "." + clock.millis()),
            StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moveFailed) {
        throw new StoreException("cannot set aside " + file + ": " + moveFailed.getMessage(), moveFailed);
      }
      return Optional.empty();
    }
  }

  /** Replaces the document; with {@code durable}, on disk before this returns. */
  synchronized void replace(JsonNode root, boolean durable) {
    try {
      AtomicFiles.replace(file, Json.writeBytes(root), true, durable);
    } catch (IOException e) {
      throw new StoreException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
