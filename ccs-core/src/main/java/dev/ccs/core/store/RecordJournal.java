package dev.ccs.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.error.StoreException;
import dev.ccs.core.io.AtomicFiles;
import dev.ccs.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records (JSON objects with an {@code id}) kept as an append-only journal: every change is one
 * line, so a change costs one write and, when durable, one {@code fdatasync} of a file that already
 * exists: no temp file, no rename, no directory sync. Concurrent durable appends share their sync
 * (group commit). A crash leaves at worst a torn last line, which the next open cuts off.
 *
 * <p>The journal is compacted in the background: when it has grown past twice the number of live
 * records, appends move to a new journal file and a snapshot of the live records at that moment is
 * written beside it; once the snapshot is on disk, the older files are deleted. Opening reads the
 * newest snapshot and every journal from its generation on.
 *
 * <p>Files: {@code snapshot-<generation>.jsonl} (all records when journal {@code <generation>}
 * began) and {@code journal-<generation>.jsonl} (changes). A deletion is the line
 * {@code {"_deleted":"<id>"}}.
 *
 * <p>Records are read back from the files ({@link #read}): the journal keeps in memory only where
 * the newest line of each record is, so that what records hold (prompts, results, payloads) costs
 * disk, not heap. Its owner keeps in memory what it lists and counts by.
 *
 * @param <T> the record type
 */
final class RecordJournal<T> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RecordJournal.class);
  private static final Pattern FILE = Pattern.compile("(journal|snapshot)-(\\d+)\\.jsonl");
  private static final String DELETED = "_deleted";
  /** A journal is compacted once it has this many lines and twice as many as there are live records. */
  static final int MIN_LINES_BEFORE_COMPACTION = 10_000;

  /** What a journal is read into. */
  interface Loader {
    void put(JsonNode record);

    void remove(UUID id);
  }

  /** Where the newest line of a record is: its file (in the journal's directory), offset and length. */
  record Location(String file, long offset, int length) {
  }

  private final Path dir;
  private final Function<T, byte[]> serializer;
  private final Function<JsonNode, T> deserializer;
  private final int minLinesBeforeCompaction;
  /** Every live record's newest line. */
  private final Map<UUID, Location> locations = new ConcurrentHashMap<>();
  private final JournalReaders readers;

  private final Object writeLock = new Object();
  private FileChannel channel;
  private long generation;
  private long linesInJournal;
  /** Bytes in the current journal file: where the next line starts. */
  private long journalSize;
  /** The current journal file's name, one string shared by the locations in it. */
  private String journalName;
  private final AtomicLong appended = new AtomicLong();
  private final AtomicLong forcedUpTo = new AtomicLong();
  private final Object forceLock = new Object();
  private Thread compaction;
  private boolean closed;

  private RecordJournal(Path dir, Function<T, byte[]> serializer, Function<JsonNode, T> deserializer,
      int minLinesBeforeCompaction) {
    this.dir = dir;
    this.readers = new JournalReaders(dir);
    this.serializer = serializer;
    this.deserializer = deserializer;
    this.minLinesBeforeCompaction = minLinesBeforeCompaction;
  }

  /**
   * Opens (or creates) the journal in {@code dir}, reading every record into {@code loader}.
   *
   * @param deserializer turns a stored line back into a record, for {@link #read}
   */
  static <T> RecordJournal<T> open(Path dir, Loader loader, Function<T, byte[]> serializer,
      Function<JsonNode, T> deserializer) throws IOException {
    return open(dir, loader, serializer, deserializer, MIN_LINES_BEFORE_COMPACTION);
  }

  static <T> RecordJournal<T> open(Path dir, Loader loader, Function<T, byte[]> serializer,
      Function<JsonNode, T> deserializer, int minLinesBeforeCompaction) throws IOException {
    RecordJournal<T> journal = new RecordJournal<>(Files.createDirectories(dir), serializer, deserializer,
        minLinesBeforeCompaction);
    journal.load(loader);
    return journal;
  }

  private void load(Loader loader) throws IOException {
    TreeSet<Long> snapshots = new TreeSet<>();
    TreeSet<Long> journals = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.startsWith(".snapshot-") && name.endsWith(".tmp")) {
          Files.deleteIfExists(file); // a snapshot cut short by a crash (other files are not ours: left alone)
          continue;
        }
        Matcher m = FILE.matcher(name);
        if (m.matches()) {
          (m.group(1).equals("snapshot") ? snapshots : journals).add(Long.parseLong(m.group(2)));
        }
      }
    }
    long base = snapshots.isEmpty() ? 0 : snapshots.last();
    if (base > 0) {
      read(snapshot(base), loader, false);
    }
    Long newest = journals.isEmpty() ? null : journals.last();
    for (long g : journals.tailSet(base, true)) {
      linesInJournal += read(journal(g), loader, g == newest);
    }
    // What the newest snapshot replaces.
    for (long g : snapshots.headSet(base, false)) {
      Files.deleteIfExists(snapshot(g));
    }
    for (long g : journals.headSet(base, false)) {
      Files.deleteIfExists(journal(g));
    }
    generation = Math.max(base, newest == null ? 0 : newest);
    if (newest == null || newest < base) {
      generation = Math.max(1, generation);
      linesInJournal = 0;
    }
    boolean created = !Files.exists(journal(generation));
    channel = FileChannel.open(journal(generation), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    journalSize = channel.size();
    journalName = journal(generation).getFileName().toString();
    if (created) {
      AtomicFiles.forceDirectory(dir);
    }
    synchronized (writeLock) {
      maybeCompact();
    }
  }

  /** Reads one file into the loader; returns its number of lines. The newest journal's torn tail is cut off. */
  private long read(Path file, Loader loader, boolean newest) throws IOException {
    long lines = 0;
    long goodEnd = 0; // just after the last line feed
    long position = 0; // of buffer[0] in the file
    ByteArrayOutputStream partial = new ByteArrayOutputStream(); // a line spanning two reads
    byte[] buffer = new byte[1 << 16];
    String name = file.getFileName().toString();
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (buffer[i] != '\n') {
            continue;
          }
          byte[] line;
          if (partial.size() > 0) {
            partial.write(buffer, start, i - start);
            line = partial.toByteArray();
            partial.reset();
          } else {
            line = java.util.Arrays.copyOfRange(buffer, start, i);
          }
          long lineStart = position + i - line.length;
          if (line.length > 0 && apply(file, name, line, lineStart, loader)) {
            lines++;
          }
          start = i + 1;
          goodEnd = position + i + 1;
        }
        partial.write(buffer, start, n - start);
        position += n;
      }
    }
    if (position > goodEnd) {
      if (newest) {
        LOG.warn("{}: cut off an incomplete last record ({} bytes) left by a crash", file, position - goodEnd);
        try (FileChannel truncate = FileChannel.open(file, StandardOpenOption.WRITE)) {
          truncate.truncate(goodEnd);
          truncate.force(false);
        }
      } else {
        LOG.warn("{}: ignored an incomplete last record ({} bytes)", file, position - goodEnd);
      }
    }
    return lines;
  }

  private boolean apply(Path file, String name, byte[] line, long start, Loader loader) {
    try {
      JsonNode node = Json.mapper().readTree(line);
      if (node.hasNonNull(DELETED)) {
        UUID id = UUID.fromString(node.get(DELETED).asText());
        locations.remove(id);
        loader.remove(id);
      } else {
        UUID id = UUID.fromString(node.path("id").asText());
        loader.put(node);
        locations.put(id, new Location(name, start, line.length));
      }
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: skipped an unreadable record starting at byte {}: {}", file, start, e.getMessage());
      return false;
    }
  }

  /**
   * Appends one record, then applies the change to memory while appends are held (so a snapshot
   * always matches the journal); with {@code durable} returns only once it is on disk.
   */
  void put(UUID id, T record, Runnable apply, boolean durable) {
    append(id, serializer.apply(record), false, apply, durable);
  }

  /** Appends a deletion; see {@link #put}. */
  void delete(UUID id, Runnable apply, boolean durable) {
    append(id, Json.writeBytes(Json.object().put(DELETED, id.toString())), true, apply,
        durable);
  }

  private void append(UUID id, byte[] json, boolean deletion, Runnable apply, boolean durable) {
    ByteBuffer buffer = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
    long end;
    synchronized (writeLock) {
      if (closed) {
        throw new StoreException("the journal in " + dir + " is closed");
      }
      long start = journalSize;
      try {
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      } catch (IOException e) {
        throw new StoreException("cannot write to " + journal(generation) + ": " + e.getMessage(), e);
      }
      journalSize += json.length + 1L;
      end = appended.addAndGet(json.length + 1L);
      linesInJournal++;
      if (deletion) {
        locations.remove(id);
      } else {
        locations.put(id, new Location(journalName, start, json.length));
      }
      apply.run();
      maybeCompact();
    }
    if (durable) {
      forceUpTo(end);
    }
  }

  /** Records kept (not deleted). */
  int size() {
    return locations.size();
  }

  /**
   * The newest version of a record, read from its file; empty when there is none (or it was deleted
   * meanwhile).
   *
   * @throws StoreException when the file cannot be read
   */
  Optional<T> read(UUID id) {
    IOException last = null;
    // A compaction may move the record and remove its old file between the look-up and the read.
    for (int attempt = 0; attempt < 5; attempt++) {
      Location location = locations.get(id);
      if (location == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(deserializer.apply(Json.mapper().readTree(readers.read(location))));
      } catch (NoSuchFileException | ClosedChannelException e) {
        last = e;
      } catch (IOException e) {
        throw new StoreException("cannot read record " + id + " from " + location.file() + ": " + e.getMessage(), e);
      }
    }
    throw new StoreException("cannot read record " + id + " in " + dir + ": " + last, last);
  }

  /** Group commit: one sync covers every append made before it, so concurrent writers share it. */
  private void forceUpTo(long end) {
    synchronized (forceLock) {
      if (forcedUpTo.get() >= end) {
        return;
      }
      FileChannel current;
      long target;
      synchronized (writeLock) {
        current = channel;
        target = appended.get();
      }
      try {
        current.force(false);
      } catch (ClosedChannelException e) {
        // Compaction or close switched files after the read above, and synced this one first.
      } catch (IOException e) {
        throw new StoreException("cannot sync " + dir + ": " + e.getMessage(), e);
      }
      forcedUpTo.accumulateAndGet(target, Math::max);
    }
  }

  /** Called with appends held: starts a compaction when the journal has grown enough. */
  private void maybeCompact() {
    if (compaction != null || closed
        || linesInJournal < Math.max(minLinesBeforeCompaction, 2L * locations.size())) {
      return;
    }
    long next = generation + 1;
    try {
      FileChannel fresh = FileChannel.open(journal(next), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      AtomicFiles.forceDirectory(dir);
      channel.force(false);
      channel.close();
      forcedUpTo.accumulateAndGet(appended.get(), Math::max);
      channel = fresh;
    } catch (IOException e) {
      LOG.warn("cannot start a new journal in {}; compaction postponed: {}", dir, e.getMessage());
      return;
    }
    long previous = generation;
    generation = next;
    linesInJournal = 0;
    journalSize = 0;
    journalName = journal(next).getFileName().toString();
    // Where every live record was when this journal began: what the snapshot is made of.
    Map<UUID, Location> live = new HashMap<>(locations);
    compaction = new Thread(() -> writeSnapshot(next, previous, live), "ccs-journal-compaction");
    compaction.setDaemon(true);
    compaction.start();
  }

  /**
   * Writes the snapshot that starts {@code next} (each record copied from where it was), points the
   * records that did not change since at their place in it, then removes the files it replaces.
   */
  private void writeSnapshot(long next, long previous, Map<UUID, Location> live) {
    Path tmp = dir.resolve(".snapshot-" + next + ".jsonl.tmp");
    try {
      Map<UUID, Location> moved = readers.copy(live, tmp, snapshot(next));
      // A record changed or deleted since keeps its newer place; the others now live in the snapshot.
      moved.forEach((id, location) -> locations.replace(id, live.get(id), location));
      for (long g = previous; g >= 0 && (Files.exists(journal(g)) || Files.exists(snapshot(g))); g--) {
        remove(journal(g));
        remove(snapshot(g));
      }
      AtomicFiles.forceDirectory(dir);
      LOG.debug("compacted {}: {} records in snapshot {}", dir, live.size(), next);
    } catch (IOException | RuntimeException e) {
      LOG.warn("compaction of {} failed (the journals stay and are read at the next start): {}", dir, e.toString());
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // Removed at the next open.
      }
    } finally {
      synchronized (writeLock) {
        compaction = null;
      }
    }
  }

  private void remove(Path file) throws IOException {
    readers.forget(file.getFileName().toString());
    Files.deleteIfExists(file);
  }

  private Path journal(long g) {
    return dir.resolve("journal-" + g + ".jsonl");
  }

  private Path snapshot(long g) {
    return dir.resolve("snapshot-" + g + ".jsonl");
  }

  /** Waits for a running compaction, syncs and closes the journal. */
  @Override
  public void close() {
    Thread running;
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      running = compaction;
    }
    if (running != null) {
      try {
        running.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (writeLock) {
      try {
        channel.force(false);
        channel.close();
      } catch (IOException e) {
        LOG.warn("cannot close the journal in {}: {}", dir, e.getMessage());
      }
    }
    readers.close();
  }
}
