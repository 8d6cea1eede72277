package dev.ccs.core.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into UTF-8 lines. Unlike {@link java.io.BufferedReader} it has no small
 * fixed line limit (CLI lines reach several MB) but a large one, so a runaway line cannot exhaust
 * memory, and it returns a line as soon as its line feed arrives.
 */
public final class LineReader {

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] chunk = new byte[16 * 1024];
  private int position;
  private int limit;
  private byte[] line = new byte[8 * 1024];
  private int length;
  private boolean truncated;
  private long truncatedLines;

  public LineReader(InputStream in, int maxLineBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** The next line without its line feed (and carriage return), or null at the end of the stream. */
  public String readLine() throws IOException {
    while (true) {
      if (position == limit) {
        int read = in.read(chunk);
        if (read < 0) {
          return length > 0 || truncated ? take() : null;
        }
        position = 0;
        limit = read;
      }
      int newline = indexOf((byte) '\n', position, limit);
      int end = newline < 0 ? limit : newline;
      append(position, end);
      position = newline < 0 ? limit : newline + 1;
      if (newline >= 0) {
        return take();
      }
    }
  }

  /** Lines cut at the length limit so far. */
  public long truncatedLines() {
    return truncatedLines;
  }

  private int indexOf(byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (chunk[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private void append(int from, int to) {
    int count = to - from;
    if (count == 0) {
      return;
    }
    int room = maxLineBytes - length;
    if (count > room) {
      truncated = true;
      count = Math.max(0, room);
    }
    if (length + count > line.length) {
      line = Arrays.copyOf(line, Math.max(length + count, Math.min(maxLineBytes, line.length * 2)));
    }
    System.arraycopy(chunk, from, line, length, count);
    length += count;
  }

  private String take() {
    int end = length;
    if (end > 0 && line[end - 1] == '\r') {
      end--;
    }
    String text = new String(line, 0, end, StandardCharsets.UTF_8);
    if (truncated) {
      truncatedLines++;
    }
    length = 0;
    truncated = false;
    if (line.length > 1024 * 1024) {
      // Give a multi-MB buffer back once its line is done.
      line = new byte[8 * 1024];
    }
    return text;
  }
}
