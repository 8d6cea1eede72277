package dev.ccs.core.store;

import dev.ccs.core.error.StoreException;
import dev.ccs.core.io.AtomicFiles;
import dev.ccs.core.json.Json;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionJson;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file per session ({@code sessions/<uuid>.json}), each written to a temp file, synced and
 * renamed. A file that cannot be read at start is moved to {@code corrupt/} (dated by the clock)
 * rather than stopping the store.
 */
final class SessionFiles {

  private static final Logger LOG = LoggerFactory.getLogger(SessionFiles.class);

  private final Path dir;
  private final Path corruptDir;
  /** A session file: its id and {@code .json}. */
  private static final java.util.regex.Pattern OURS = java.util.regex.Pattern.compile("[0-9a-fA-F-]{36}\\.json");
  /** What {@code AtomicFiles} leaves when a crash cuts a write short. */
  private static final java.util.regex.Pattern OUR_TEMP =
      java.util.regex.Pattern.compile("\\.[0-9a-fA-F-]{36}\\.json\\.[0-9a-f]+\\.tmp");
  private final Clock clock;

  SessionFiles(Path dir, Path corruptDir, Clock clock) {
    this.dir = dir;
    this.corruptDir = corruptDir;
    this.clock = clock;
  }

  /** Reads every session file; leftovers of cut-short writes are removed, unreadable files set aside. */
  void load(Consumer<Session> sink) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (OUR_TEMP.matcher(name).matches()) {
          Files.deleteIfExists(file); // an atomic write cut short by a crash
          continue;
        }
        if (!OURS.matcher(name).matches()) {
          continue; // not ours (the Node server's sessions.json, its session-<id>/ homes): left as it is
        }
        try {
          Session session = SessionJson.fromJson(Json.mapper().readTree(file.toFile()));
          if (!name.equals(session.id() + ".json")) {
            throw new IllegalArgumentException("file name does not match the session id");
          }
          sink.accept(session);
        } catch (IOException | IllegalArgumentException e) {
          setAside(file, e);
        }
      }
    }
  }

  /** Writes a session's file, synced; its directory entry too unless {@code syncDirectory} is false (one sync later). */
  void write(Session session, boolean syncDirectory) throws IOException {
    AtomicFiles.replace(dir.resolve(session.id() + ".json"), Json.writeBytes(SessionJson.toJson(session)), false,
        true, syncDirectory);
  }

  void delete(UUID id, boolean durable) {
    try {
      Files.deleteIfExists(dir.resolve(id + ".json"));
      if (durable) {
        AtomicFiles.forceDirectory(dir);
      }
    } catch (IOException e) {
      throw new StoreException("cannot delete session " + id + ": " + e.getMessage(), e);
    }
  }

  void syncDirectory() throws IOException {
    AtomicFiles.forceDirectory(dir);
  }

  private void setAside(Path file, Exception cause) throws IOException {
    Path corrupt = Files.createDirectories(corruptDir);
    Path target = corrupt.resolve(file.getFileName() + "." + clock.millis());
    LOG.warn("{} cannot be read ({}); moved to {}", file, cause.getMessage(), target);
    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
  }
}
