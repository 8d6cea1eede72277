package dev.ccs.cli.base;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads the server's log file in Java: the last lines, a case-insensitive search for a literal
 * text, and following what is appended. No shell is ever started (the Node TUI ran
 * {@code grep -i "<keyword>"} through one: seed defect #10), so any text is just text.
 */
public final class LogFile {

  private LogFile() {
  }

  /**
   * The last {@code count} lines that contain {@code grep} (any case; null for all), oldest first.
   * Reads from the end in blocks, so a large log costs what the answer needs, not the file.
   */
  public static List<String> lastLines(Path file, int count, String grep) throws IOException {
    String needle = grep == null ? null : grep.toLowerCase(Locale.ROOT);
    Deque<String> found = new ArrayDeque<>();
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long position = raf.length();
      byte[] carry = new byte[0];
      byte[] block = new byte[64 * 1024];
      while (position > 0 && found.size() < count) {
        int size = (int) Math.min(block.length, position);
        position -= size;
        raf.seek(position);
        raf.readFully(block, 0, size);
        byte[] chunk = new byte[size + carry.length];
        System.arraycopy(block, 0, chunk, 0, size);
        System.arraycopy(carry, 0, chunk, size, carry.length);
        int end = chunk.length;
        for (int i = chunk.length - 1; i >= 0 && found.size() < count; i--) {
          if (chunk[i] == '\n') {
            offer(found, new String(chunk, i + 1, end - i - 1, StandardCharsets.UTF_8), needle, end == chunk.length
                && carry.length == 0 && i + 1 == end);
            end = i;
          }
        }
        carry = java.util.Arrays.copyOfRange(chunk, 0, end);
      }
      if (position == 0 && found.size() < count && carry.length > 0) {
        offer(found, new String(carry, StandardCharsets.UTF_8), needle, false);
      }
    }
    return new ArrayList<>(found);
  }

  private static void offer(Deque<String> found, String line, String needle, boolean trailingEmpty) {
    if (trailingEmpty && line.isEmpty()) {
      return; // the newline that ends the file
    }
    if (needle == null || line.toLowerCase(Locale.ROOT).contains(needle)) {
      found.addFirst(line);
    }
  }

  /**
   * Gives each line appended to {@code file} from its current end to {@code each} (those containing
   * {@code grep}), polling every {@code pollMillis}, until {@code keepGoing} turns false. A log that
   * was rotated (shorter than what was read) is read from its start.
   */
  public static void follow(Path file, String grep, long pollMillis, java.util.function.BooleanSupplier keepGoing,
      Consumer<String> each) throws IOException, InterruptedException {
    String needle = grep == null ? null : grep.toLowerCase(Locale.ROOT);
    long position = Files.exists(file) ? Files.size(file) : 0;
    StringBuilder partial = new StringBuilder();
    while (keepGoing.getAsBoolean()) {
      long size = Files.exists(file) ? Files.size(file) : 0;
      if (size < position) {
        position = 0;
      }
      if (size > position) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
          raf.seek(position);
          byte[] bytes = new byte[(int) Math.min(size - position, 1 << 20)];
          raf.readFully(bytes);
          position += bytes.length;
          partial.append(new String(bytes, StandardCharsets.UTF_8));
        }
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
          String line = partial.substring(0, newline);
          partial.delete(0, newline + 1);
          if (needle == null || line.toLowerCase(Locale.ROOT).contains(needle)) {
            each.accept(line);
          }
        }
      } else {
        Thread.sleep(pollMillis);
      }
    }
  }
}
