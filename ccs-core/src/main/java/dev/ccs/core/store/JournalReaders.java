package dev.ccs.core.store;

import dev.ccs.core.io.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reading a journal's files: open channels, one per file, shared by concurrent readers (positional
 * reads need no lock), closed when compaction removes the file; and copying live lines into a
 * compaction's snapshot.
 */
final class JournalReaders implements AutoCloseable {

  private final Path dir;
  private final Map<String, FileChannel> readers = new ConcurrentHashMap<>();

  JournalReaders(Path dir) {
    this.dir = dir;
  }

  /** The line at {@code location}, without its newline. */
  byte[] read(RecordJournal.Location location) throws IOException {
    FileChannel reader = readers.get(location.file());
    if (reader == null) {
      FileChannel opened = FileChannel.open(dir.resolve(location.file()), StandardOpenOption.READ);
      reader = readers.putIfAbsent(location.file(), opened);
      if (reader == null) {
        reader = opened;
      } else {
        opened.close();
      }
    }
    ByteBuffer buffer = ByteBuffer.allocate(location.length());
    try {
      while (buffer.hasRemaining()) {
        if (reader.read(buffer, location.offset() + buffer.position()) < 0) {
          throw new IOException("unexpected end of " + location.file() + " at byte " + location.offset());
        }
      }
    } catch (ClosedChannelException e) {
      // Closed by a compaction that removed the file, or by an interrupt of a reading thread.
      readers.remove(location.file(), reader);
      throw e;
    }
    return buffer.array();
  }

  /**
   * Copies the lines at {@code locations} into a new file {@code target} (written as {@code tmp},
   * synced, renamed, directory synced).
   *
   * @return where each record's line is in {@code target}
   */
  Map<UUID, RecordJournal.Location> copy(Map<UUID, RecordJournal.Location> locations, Path tmp, Path target)
      throws IOException {
    String name = target.getFileName().toString();
    Map<UUID, RecordJournal.Location> moved = new HashMap<>();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
      long offset = 0;
      for (Map.Entry<UUID, RecordJournal.Location> entry : locations.entrySet()) {
        byte[] line = read(entry.getValue());
        out.write(line);
        out.write('\n');
        moved.put(entry.getKey(), new RecordJournal.Location(name, offset, line.length));
        offset += line.length + 1L;
      }
    }
    try (FileChannel sync = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      sync.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    AtomicFiles.forceDirectory(dir);
    return moved;
  }

  /** Closes the channel of a file about to be removed. */
  void forget(String fileName) throws IOException {
    FileChannel reader = readers.remove(fileName);
    if (reader != null) {
      reader.close();
    }
  }

  @Override
  public void close() {
    for (FileChannel reader : readers.values()) {
      try {
        reader.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    readers.clear();
  }
}
