package dev.ccs.httpd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads server-sent events one at a time from a live response, for tests. */
public final class SseClient implements AutoCloseable {

  /** One event; {@code comments} are the comment lines seen before it. */
  public record Event(String id, String name, String data, List<String> comments) {
  }

  private final HttpResponse<InputStream> response;
  private final BufferedReader reader;

  private SseClient(HttpResponse<InputStream> response) {
    this.response = response;
    this.reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
  }

  public static SseClient open(HttpClient client, HttpRequest request) {
    try {
      return new SseClient(client.send(request, HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int status() {
    return response.statusCode();
  }

  public String header(String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  /** The whole body (for a non-SSE answer, such as a JSON error). */
  public String text() {
    try {
      return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next event, or null at the end of the stream. */
  public Event next() {
    String id = null;
    String name = "message";
    StringBuilder data = null;
    List<String> comments = new ArrayList<>();
    try {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null) {
            return new Event(id, name, data.toString(), comments);
          }
          continue;
        }
        if (line.startsWith(":")) {
          comments.add(line.substring(1).trim());
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = data == null ? new StringBuilder() : data.append('\n');
          data.append(line.substring(6));
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every remaining event, up to the end of the stream. */
  public List<Event> rest() {
    List<Event> events = new ArrayList<>();
    Event event;
    while ((event = next()) != null) {
      events.add(event);
    }
    return events;
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException e) {
      // Already gone.
    }
  }
}
