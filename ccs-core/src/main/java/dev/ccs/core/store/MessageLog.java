package dev.ccs.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
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

  /** Receives the lines of a log one at a time: {@code bytes[offset, offset + length)}, no line feed. */
  @FunctionalInterface
  interface LineVisitor {
    void line(byte[] bytes, int offset, int length);
  }

  /**
   * Reads the complete lines of the file in order (a torn last line is left out; nothing when there
   * is no file), holding one line at a time: a history of any length is read in the memory of its
   * longest line. The array handed to the visitor is reused for the next line.
   */
  static void forEach(Path file, LineVisitor visitor) throws IOException {
    InputStream in;
    try {
      in = Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      return;
    }
    try (in) {
      byte[] chunk = new byte[64 * 1024];
      byte[] line = new byte[8 * 1024];
      int lineLength = 0;
      int n;
      while ((n = in.read(chunk)) > 0) {
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (chunk[i] != '\n') {
            continue;
          }
          if (lineLength == 0) {
            if (i > start) {
              visitor.line(chunk, start, i - start);
            }
          } else {
            line = append(line, lineLength, chunk, start, i - start);
            visitor.line(line, 0, lineLength + i - start);
            lineLength = 0;
          }
          start = i + 1;
        }
        if (start < n) {
          line = append(line, lineLength, chunk, start, n - start);
          lineLength += n - start;
        }
      }
    }
  }

  private static byte[] append(byte[] line, int length, byte[] chunk, int from, int count) {
    if (length + count > line.length) {
      line = Arrays.copyOf(line, Math.max(length + count, line.length * 2));
    }
    System.arraycopy(chunk, from, line, length, count);
    return line;
  }

  /** The complete lines of the file (a torn last line is left out); empty when there is no file. */
  static List<String> read(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    forEach(file, (bytes, offset, length) -> lines.add(new String(bytes, offset, length, StandardCharsets.UTF_8)));
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
