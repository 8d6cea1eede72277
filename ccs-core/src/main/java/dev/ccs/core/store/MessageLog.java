package dev.ccs.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One append-only JSON-lines file. Lines are only ever added, each write ends with a line feed, so
 * a crash can at worst leave one torn line at the end, which {@link #repair} cuts off, keeping
 * everything before it.
 */
final class MessageLog {

  private MessageLog() {
  }

  /** Appends lines (each without line feed) in one write, creating the file if needed. */
  static void append(Path file, List<String> lines, boolean sync) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      if (sync) {
        channel.force(false);
      }
    }
  }

  /** The complete lines of the file (a torn last line is left out); empty when there is no file. */
  static List<String> read(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        if (i > start) {
          lines.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    return lines;
  }

  /**
   * Cuts a torn last line (one without its line feed) off the file, durably.
   *
   * @return the number of bytes removed
   */
  static long repair(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      if (size == 0) {
        return 0;
      }
      // Walk back from the end to the last line feed.
      long end = size;
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (end > 0) {
        int chunk = (int) Math.min(buffer.capacity(), end);
        buffer.clear().limit(chunk);
        channel.read(buffer, end - chunk);
        for (int i = chunk - 1; i >= 0; i--) {
          if (buffer.get(i) == '\n') {
            long keep = end - chunk + i + 1;
            if (keep < size) {
              channel.truncate(keep);
              channel.force(false);
            }
            return size - keep;
          }
        }
        end -= chunk;
      }
      channel.truncate(0);
      channel.force(false);
      return size;
    }
  }
}
