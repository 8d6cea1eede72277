package dev.ccs.httpd.load;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client on a plain socket, for load and abuse tests: it sees exactly what the
 * server sends (or that it sent nothing: a reset, an early close, a stall), which a full client
 * library hides behind retries and pooling. One keep-alive connection, reopened when the server
 * closes it.
 */
public final class RawHttp implements AutoCloseable {

  /** How a request failed at the transport level. */
  public enum Failure { RESET, CLOSED_WITHOUT_ANSWER, TIMEOUT, CONNECT_FAILED }

  /** A transport failure: the server answered nothing usable. */
  public static final class TransportException extends IOException {
    private final Failure failure;

    TransportException(Failure failure, String message, Throwable cause) {
      super(failure + ": " + message, cause);
      this.failure = failure;
    }

    public Failure failure() {
      return failure;
    }
  }

  /** A response: status, headers (names in lower case) and body. */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public boolean isJson() {
      String type = header("content-type");
      return type != null && type.startsWith("application/json");
    }

    @Override
    public String toString() {
      String text = text();
      return status + " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
    }
  }

  private final int port;
  private final int timeoutMillis;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  public RawHttp(int port, int timeoutMillis) {
    this.port = port;
    this.timeoutMillis = timeoutMillis;
  }

  /** Sends a request (with {@code Content-Length} when {@code body} is not null) and reads the answer. */
  public Response send(String method, String path, Map<String, String> headers, byte[] body) throws IOException {
    boolean reused = socket != null;
    try {
      return exchange(method, path, headers, body);
    } catch (TransportException e) {
      close();
      // A kept-alive connection the server closed while idle is normal: try once on a new one.
      if (reused && e.failure() == Failure.CLOSED_WITHOUT_ANSWER) {
        return exchange(method, path, headers, body);
      }
      throw e;
    }
  }

  public Response get(String path) throws IOException {
    return send("GET", path, Map.of(), null);
  }

  public Response postJson(String path, String json) throws IOException {
    return send("POST", path, Map.of("Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
  }

  /** Opens a new connection and writes {@code text} on it, reading nothing (the start of a request, say). */
  public void writeOnly(String text) throws IOException {
    close();
    connect();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /**
   * Writes {@code request} exactly as given (a malformed one, say) on a new connection and reads
   * one answer.
   */
  public Response sendRaw(byte[] request) throws IOException {
    close();
    connect();
    try {
      out.write(request);
      out.flush();
    } catch (IOException e) {
      throw classify(e);
    }
    Response head = readHead();
    return new Response(head.status(), head.headers(), readBody(head, false));
  }

  /**
   * Sends a request and reads only the status line and headers of its answer, leaving the body (a
   * stream) to {@link #in()}; the connection is not reused afterwards.
   */
  public Response openStream(String method, String path, Map<String, String> headers, byte[] body) throws IOException {
    close();
    connect();
    write(method, path, headers, body);
    Response head = readHead();
    return head;
  }

  /** The connection's input, after {@link #openStream}. */
  public InputStream in() {
    return in;
  }

  private Response exchange(String method, String path, Map<String, String> headers, byte[] body) throws IOException {
    if (socket == null) {
      connect();
    }
    write(method, path, headers, body);
    Response head = readHead();
    byte[] content = readBody(head, method.equals("HEAD"));
    String connection = head.header("connection");
    if (connection != null && connection.equalsIgnoreCase("close")) {
      close();
    }
    return new Response(head.status(), head.headers(), content);
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      s.setTcpNoDelay(true);
    } catch (IOException e) {
      s.close();
      throw new TransportException(Failure.CONNECT_FAILED, e.toString(), e);
    }
    socket = s;
    in = new java.io.BufferedInputStream(s.getInputStream());
    out = s.getOutputStream();
  }

  private void write(String method, String path, Map<String, String> headers, byte[] body) throws IOException {
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    try {
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
    } catch (IOException e) {
      throw classify(e);
    }
  }

  private Response readHead() throws IOException {
    try {
      String status = readLine();
      if (status == null) {
        throw new TransportException(Failure.CLOSED_WITHOUT_ANSWER, "no status line", null);
      }
      String[] parts = status.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP status line: " + status);
      }
      Map<String, String> headers = new LinkedHashMap<>();
      String line;
      while ((line = readLine()) != null && !line.isEmpty()) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
              (a, b) -> a + ", " + b);
        }
      }
      if (line == null) {
        throw new TransportException(Failure.CLOSED_WITHOUT_ANSWER, "connection closed in the headers", null);
      }
      return new Response(Integer.parseInt(parts[1]), headers, new byte[0]);
    } catch (TransportException e) {
      throw e;
    } catch (IOException e) {
      throw classify(e);
    }
  }

  private byte[] readBody(Response head, boolean headRequest) throws IOException {
    if (headRequest || head.status() == 204 || head.status() == 304 || head.status() / 100 == 1) {
      return new byte[0];
    }
    try {
      String length = head.header("content-length");
      String encoding = head.header("transfer-encoding");
      if (encoding != null && encoding.equalsIgnoreCase("chunked")) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
          String size = readLine();
          if (size == null) {
            throw new EOFException("connection closed in a chunked body");
          }
          int n = Integer.parseInt(size.split(";")[0].trim(), 16);
          if (n == 0) {
            while ((size = readLine()) != null && !size.isEmpty()) {
              // trailers
            }
            return body.toByteArray();
          }
          body.write(in.readNBytes(n));
          readLine();
        }
      }
      if (length != null) {
        int n = Integer.parseInt(length);
        byte[] body = in.readNBytes(n);
        if (body.length < n) {
          throw new EOFException("connection closed after " + body.length + " of " + n + " bytes");
        }
        return body;
      }
      byte[] rest = in.readAllBytes();
      close();
      return rest;
    } catch (IOException e) {
      throw classify(e);
    }
  }

  /** A line of the head, without CRLF; null at end of stream. */
  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  private static IOException classify(IOException e) {
    if (e instanceof TransportException) {
      return e;
    }
    if (e instanceof SocketTimeoutException) {
      return new TransportException(Failure.TIMEOUT, e.toString(), e);
    }
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (e instanceof SocketException && (message.contains("reset") || message.contains("broken pipe"))) {
      return new TransportException(Failure.RESET, e.toString(), e);
    }
    if (e instanceof EOFException) {
      return new TransportException(Failure.CLOSED_WITHOUT_ANSWER, e.toString(), e);
    }
    return e;
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    socket = null;
    in = null;
    out = null;
  }
}
