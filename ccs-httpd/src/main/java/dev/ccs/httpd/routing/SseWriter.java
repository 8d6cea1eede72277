package dev.ccs.httpd.routing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Writes server-sent events ({@code id:}, {@code event:}, {@code data:}) and comments, each flushed
 * at once: a line the CLI printed reaches the client without waiting for the next one. An event is
 * encoded as it is written, through a small buffer, so a CLI line of megabytes costs no copy of
 * itself per client.
 */
public final class SseWriter {

  private final Writer out;

  public SseWriter(OutputStream out) {
    this.out = new OutputStreamWriter(out, StandardCharsets.UTF_8);
  }

  public void event(long id, String name, String data) throws IOException {
    out.write("id: ");
    out.write(Long.toString(id));
    out.write("\nevent: ");
    out.write(name);
    out.write('\n');
    // A payload line break would end the field; SSE carries multi-line data as several data lines.
    int start = 0;
    while (true) {
      int end = data.indexOf('\n', start);
      out.write("data: ");
      write(data, start, end < 0 ? data.length() : end);
      out.write('\n');
      if (end < 0) {
        break;
      }
      start = end + 1;
    }
    out.write('\n');
    out.flush();
  }

  /** In slices: the JDK's encoder copies a written string into a char array of its length. */
  private void write(String text, int from, int to) throws IOException {
    for (int i = from; i < to; i += SLICE) {
      out.write(text, i, Math.min(SLICE, to - i));
    }
  }

  private static final int SLICE = 4096;

  /** A comment line ({@code : text}), ignored by clients; keeps idle connections open. */
  public void comment(String text) throws IOException {
    out.write(": ");
    out.write(text.replace('\n', ' '));
    out.write("\n\n");
    out.flush();
  }

  /** How long a client should wait before reconnecting. */
  public void retry(long millis) throws IOException {
    out.write("retry: " + millis + "\n\n");
    out.flush();
  }
}
