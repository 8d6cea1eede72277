package dev.ccs.core.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the last bytes of a stream (a ring buffer), so a chatty stderr cannot fill memory while the
 * end, where the error usually is, stays available for diagnostics.
 */
public final class StderrTail {

  private final byte[] ring;
  private long total;

  public StderrTail(int capacity) {
    this.ring = new byte[capacity];
  }

  /** Reads {@code in} to its end. */
  public void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[4096];
    int read;
    while ((read = in.read(buffer)) >= 0) {
      append(buffer, read);
    }
  }

  synchronized void append(byte[] bytes, int count) {
    for (int i = 0; i < count; i++) {
      ring[(int) (total++ % ring.length)] = bytes[i];
    }
  }

  /** The kept text; starts with "..." when earlier output was dropped. */
  public synchronized String text() {
    int kept = (int) Math.min(total, ring.length);
    byte[] bytes = new byte[kept];
    long start = total - kept;
    for (int i = 0; i < kept; i++) {
      bytes[i] = ring[(int) ((start + i) % ring.length)];
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    return total > ring.length ? "..." + text : text;
  }

  /** The last non-blank line of {@code text}, cut at 500 characters: what a failure message quotes. */
  public static java.util.Optional<String> lastLine(String text) {
    String[] lines = text.strip().split("\n");
    String last = lines.length == 0 ? "" : lines[lines.length - 1].strip();
    if (last.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(last.length() > 500 ? last.substring(0, 500) + "..." : last);
  }
}
