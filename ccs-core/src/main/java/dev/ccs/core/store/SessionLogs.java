package dev.ccs.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.error.StoreException;
import dev.ccs.core.io.AtomicFiles;
import dev.ccs.core.json.Json;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionJson;
import dev.ccs.core.session.StoredMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message logs of all sessions ({@code messages/<uuid>.jsonl}) and their line format: one
 * message per line, and after each turn a {@code {"_session": ...}} snapshot line with the
 * session's new state. Knows which logs' names are on disk, so that a new log's directory entry is
 * synced once. Callers hold the session's lock around a change.
 */
final class SessionLogs {

  private static final Logger LOG = LoggerFactory.getLogger(SessionLogs.class);

  private static final String SNAPSHOT = "_session";
  private static final byte[] SNAPSHOT_PREFIX = ("{\"" + SNAPSHOT + "\"").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ID_PREFIX = "{\"id\":\"".getBytes(StandardCharsets.US_ASCII);

  /** A message line of a log, with its id. */
  @FunctionalInterface
  interface MessageVisitor {
    void message(String id, byte[] bytes, int offset, int length);
  }

  private final Path dir;
  /** Logs whose directory entry is on disk (found at start, or synced since). */
  private final Set<UUID> known = ConcurrentHashMap.newKeySet();

  SessionLogs(Path dir) {
    this.dir = dir;
  }

  /** Finds the logs on disk. */
  void load() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jsonl")) {
      for (Path file : files) {
        idOf(file).ifPresent(known::add);
      }
    }
  }

  Set<UUID> ids() {
    return known;
  }

  Path file(UUID id) {
    return dir.resolve(id + ".jsonl");
  }

  static String messageLine(StoredMessage message) {
    return Json.write(SessionJson.toJson(message));
  }

  static String snapshotLine(Session session) {
    ObjectNode snapshot = Json.object();
    snapshot.set(SNAPSHOT, SessionJson.toJson(session));
    return Json.write(snapshot);
  }

  /** A message read back from its line; IllegalArgumentException when it is not a readable message. */
  static StoredMessage message(String line) {
    return SessionJson.messageFromJson(parse(line));
  }

  /**
   * Makes sure the log's name is on disk before its first durable append, so that the append
   * syncs its content only; an empty log whose session never got its snapshot is removed when a
   * crash is recovered. Errors are left to the append, which does the same work.
   */
  void prepare(UUID id) {
    if (known.contains(id)) {
      return;
    }
    try {
      Path file = file(id);
      if (!Files.exists(file)) {
        Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
      }
      AtomicFiles.forceDirectory(dir);
      known.add(id);
    } catch (IOException e) {
      LOG.debug("could not prepare the log of session {}: {}", id, e.toString());
    }
  }

  /**
   * Removes the log if it is empty: one prepared for a new session's first turn that a crash cut
   * short, of a session never stored. For recovery only.
   */
  boolean deleteIfEmpty(UUID id) throws IOException {
    if (Files.size(file(id)) > 0) {
      return false;
    }
    delete(id, false);
    return true;
  }

  void append(UUID id, List<String> lines, boolean durable) {
    try {
      MessageLog.append(file(id), lines, durable);
      if (durable && !known.contains(id)) {
        // A new file's name must be on disk too, not only its content.
        AtomicFiles.forceDirectory(dir);
        known.add(id);
      }
    } catch (IOException e) {
      throw new StoreException("cannot append to the messages of session " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * The message lines of a session's log, in order, with their ids; snapshot lines are left out, and
   * {@code unreadable} is told of each line that is not a readable message.
   */
  void forEachMessage(UUID id, MessageVisitor visitor, Runnable unreadable) {
    try {
      MessageLog.forEach(file(id), (bytes, offset, length) -> {
        if (startsWith(bytes, offset, length, SNAPSHOT_PREFIX)) {
          return;
        }
        String messageId = messageId(bytes, offset, length);
        if (messageId != null) {
          visitor.message(messageId, bytes, offset, length);
        } else {
          unreadable.run();
        }
      });
    } catch (IOException e) {
      throw new StoreException("cannot read the messages of session " + id + ": " + e.getMessage(), e);
    }
  }

  /** The newest state a log records (its last snapshot), read one line at a time. */
  Optional<Session> lastSnapshot(UUID id) throws IOException {
    String[] last = new String[1];
    MessageLog.forEach(file(id), (bytes, offset, length) -> {
      if (startsWith(bytes, offset, length, SNAPSHOT_PREFIX)) {
        last[0] = new String(bytes, offset, length, StandardCharsets.UTF_8);
      }
    });
    JsonNode node = last[0] == null ? null : parse(last[0]);
    return node == null ? Optional.empty() : Optional.of(SessionJson.fromJson(node.get(SNAPSHOT)));
  }

  void delete(UUID id, boolean durable) {
    try {
      Files.deleteIfExists(file(id));
      if (durable) {
        AtomicFiles.forceDirectory(dir);
      }
    } catch (IOException e) {
      throw new StoreException("cannot delete the messages of session " + id + ": " + e.getMessage(), e);
    }
    known.remove(id);
  }

  private static JsonNode parse(String line) {
    try {
      return Json.parse(line);
    } catch (IOException e) {
      return null;
    }
  }

  private static Optional<UUID> idOf(Path file) {
    String name = file.getFileName().toString();
    int dot = name.indexOf('.');
    try {
      return Optional.of(UUID.fromString(dot < 0 ? name : name.substring(0, dot)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static boolean startsWith(byte[] bytes, int offset, int length, byte[] prefix) {
    if (length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * A message line's id, read from its start where this store writes it (a line written otherwise
   * is parsed); null when the line is not a message.
   */
  private static String messageId(byte[] bytes, int offset, int length) {
    if (startsWith(bytes, offset, length, ID_PREFIX)) {
      int from = offset + ID_PREFIX.length;
      for (int i = from; i < offset + length && i - from <= 64; i++) {
        if (bytes[i] == '"') {
          return new String(bytes, from, i - from, StandardCharsets.US_ASCII);
        }
        if (bytes[i] == '\\') {
          break;
        }
      }
    }
    JsonNode node = parse(new String(bytes, offset, length, StandardCharsets.UTF_8));
    return node != null && node.path("id").isTextual() ? node.get("id").asText() : null;
  }
}
