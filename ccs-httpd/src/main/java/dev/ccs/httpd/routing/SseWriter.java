package dev.ccs.httpd.routing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes server-sent events ({@code id:}, {@code event:}, {@code data:}) and comments, each flushed
 * at once: a line the CLI printed reaches the client without waiting for the next one.
 */
public final class SseWriter {

  private final OutputStream out;

  public SseWriter(OutputStream out) {
    this.out = out;
  }

  public void event(long id, String name, String data) throws IOException {
    StringBuilder text = new StringBuilder(data.length() + 48);
    text.append("id: ").append(id).append('\n');
    text.append("event: ").append(name).append('\n');
    // A payload line break would end the field; SSE carries multi-line data as several data lines.
    for (String line : data.split("\n", -1)) {
      text.append("data: ").append(line).append('\n');
    }
    text.append('\n');
    write(text.toString());
  }

  /** A comment line ({@code : text}), ignored by clients; keeps idle connections open. */
  public void comment(String text) throws IOException {
    write(": " + text.replace('\n', ' ') + "\n\n");
  }

  /** How long a client should wait before reconnecting. */
  public void retry(long millis) throws IOException {
    write("retry: " + millis + "\n\n");
  }

  private void write(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
