package dev.ccs.httpd.routing;

import dev.ccs.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers: a status, headers and either a complete body or a body written over time
 * (server-sent events).
 */
public final class ApiResponse {

  /** Writes a streamed body; the stream is flushed by the writer as it sees fit and closed after. */
  @FunctionalInterface
  public interface BodyWriter {
    void write(OutputStream out) throws IOException;
  }

  private final int status;
  private final Map<String, String> headers;
  private final byte[] body;
  private final BodyWriter writer;
  private Runnable afterSend = () -> { };

  private ApiResponse(int status, Map<String, String> headers, byte[] body, BodyWriter writer) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.writer = writer;
  }

  /** A JSON body (any value Jackson can write). */
  public static ApiResponse json(int status, Object value) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json; charset=utf-8");
    return new ApiResponse(status, headers, Json.writeBytes(value), null);
  }

  /** A complete body of another type (text). */
  public static ApiResponse bytes(int status, String contentType, byte[] body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", contentType);
    return new ApiResponse(status, headers, body, null);
  }

  /** A body written over time with chunked encoding. */
  public static ApiResponse streaming(int status, String contentType, BodyWriter writer) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", contentType);
    return new ApiResponse(status, headers, null, writer);
  }

  public ApiResponse header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public int status() {
    return status;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** The complete body, or null for a streamed one. */
  public byte[] body() {
    return body;
  }

  /** The writer of a streamed body, or null. */
  public BodyWriter writer() {
    return writer;
  }

  /**
   * Runs {@code action} once the response has been sent, or could not be (the client went away):
   * what the response holds (a stream client's place) is released in every case.
   */
  public ApiResponse afterSend(Runnable action) {
    Runnable before = afterSend;
    afterSend = () -> {
      try {
        before.run();
      } finally {
        action.run();
      }
    };
    return this;
  }

  /** Called by the adapter when the exchange is over. */
  public void sent() {
    afterSend.run();
  }
}
