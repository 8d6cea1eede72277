package dev.ccs.httpd.routing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.error.StoreException;
import dev.ccs.core.config.HttpConfig;
import dev.ccs.core.trace.Phase;
import dev.ccs.httpd.transport.BodyBudget;
import dev.ccs.httpd.transport.ExchangeExecutor;
import dev.ccs.httpd.transport.IoWatch;
import dev.ccs.httpd.transport.IoWatchdog;
import dev.ccs.httpd.transport.WatchedStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only code that touches {@link HttpExchange}: checks the request's size (target, headers,
 * body against its route's limit and the bytes all requests hold at once), reads it under time
 * limits, finds the route, calls the handler, maps exceptions to JSON errors and writes the
 * response under a time limit. Nothing ever answers with an HTML page or an unexplained 500; a
 * request the server is too busy to handle is answered 503 with {@code Retry-After}.
 */
public final class HttpAdapter implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(HttpAdapter.class);
  /** What a client refused because the server is saturated is told to wait. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  /** The first size of a body's buffer, and the least it grows by. */
  private static final int FIRST_BODY_BUFFER = 16 * 1024;
  /** Size of the response writes (see {@link #send}). */
  private static final int WRITE_SLICE = 4096;
  /** Most bytes of a refused request's body read (and dropped) to keep its connection. */
  private static final long DISCARD = 64L * 1024 * 1024;
  /** The same when the server is saturated: only what has most likely arrived already. */
  private static final long DISCARD_WHEN_SHEDDING = 64L * 1024;

  private final Router router;
  private final HttpConfig config;
  private final Gate gate;
  private final BodyBudget bodies;
  private final IoWatchdog watchdog;
  private final RequestObserver observer;
  /** Exchanges between their arrival and the close of their answer. */
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean draining;

  /**
   * @param gate who may come in (authentication, scopes, rate limits)
   * @param observer told of every answered request (metrics)
   */
  public HttpAdapter(Router router, HttpConfig config, Gate gate, BodyBudget bodies,
      IoWatchdog watchdog, RequestObserver observer) {
    this.observer = observer;
    this.router = router;
    this.config = config;
    this.gate = gate;
    this.bodies = bodies;
    this.watchdog = watchdog;
  }

  /** One exchange's state: its watch, the body bytes it reserved, whether its body was read. */
  private static final class Exchange {
    final HttpExchange http;
    final IoWatch watch;
    long reserved;
    boolean bodyRead;
    /** The body could not be read (malformed, or its read timed out): it is not read again. */
    boolean bodyBroken;
    final long startNanos = System.nanoTime();
    String route = "unmatched";
    /** Who came in, once the gate let the request in. */
    Gate.Admission admission;
    /** The handled request's audit notes (the request itself, with its body, is not kept). */
    java.util.function.Supplier<List<String>> auditNotes = List::of;

    Exchange(HttpExchange http, IoWatch watch) {
      this.http = http;
      this.watch = watch;
    }
  }

  /**
   * Handles one exchange. When it fails on the connection (the client went away, a read or write
   * timed out), the failure is thrown on to the JDK's server: that is the one path on which it both
   * closes the connection and forgets it. Closing the exchange instead leaves a dead connection, with
   * its buffers, in the server's set of connections for as long as the server runs.
   */
  @Override
  public void handle(HttpExchange exchange) throws IOException {
    inFlight.incrementAndGet();
    try {
      handleCounted(exchange);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /**
   * From now on, new requests are answered 503 {@code server_stopping} (with {@code Connection:
   * close}) while the ones in progress go on; {@link #inFlight()} tells when they are done.
   */
  public void drain() {
    draining = true;
  }

  /** Requests being handled now (including their answers being written). */
  public int inFlight() {
    return inFlight.get();
  }

  private void handleCounted(HttpExchange exchange) throws IOException {
    Phase whole = Phase.begin("http.exchange");
    Exchange x = new Exchange(exchange, watchdog.watch());
    ApiResponse response = null;
    RequestObserver.Answer done = null;
    IOException failure = null;
    String requestId = RequestIds.of(exchange.getRequestHeaders().getFirst(RequestIds.HEADER));
    try {
      Phase handler = Phase.begin("http.handler");
      response = ErrorShapes.translate(exchange.getRequestURI().getRawPath(), respond(x));
      handler.done();
      if (x.admission != null) {
        x.admission.headers().forEach(response::header);
      }
      response = RequestIds.stamp(response, requestId);
      if (!x.bodyRead && !x.bodyBroken) {
        discardBody(x, ExchangeExecutor.shedding() ? DISCARD_WHEN_SHEDDING : DISCARD);
      }
      RequestObserver.Answer answer = answer(x, requestId, response);
      observer.answering(answer);
      Phase sending = Phase.begin("http.send");
      send(x, response);
      sending.done();
      done = answer.timed(System.nanoTime() - x.startNanos);
    } catch (IOException e) {
      LOG.debug("{} {}: {}: {}", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          x.watch.timedOut() ? "timed out" : "client disconnected", e.toString());
      failure = e;
    } catch (RuntimeException | Error e) {
      LOG.error("{} {}: response failed", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e);
      failure = new IOException("response failed", e);
    } finally {
      bodies.release(x.reserved);
      if (response != null) {
        response.sent();
      }
    }
    try {
      if (failure != null) {
        throw failure;
      }
      x.watch.arm();
      exchange.close();
    } finally {
      x.watch.close();
    }
    whole.done();
    if (done != null) {
      // After the close, which is what puts the last bytes on the wire: logging never delays an answer.
      observer.answered(done);
    }
  }

  private static RequestObserver.Answer answer(Exchange x, String requestId, ApiResponse response) {
    HttpExchange exchange = x.http;
    String client = x.admission != null ? x.admission.client()
        : exchange.getRemoteAddress() == null ? "-" : exchange.getRemoteAddress().getAddress().getHostAddress();
    return new RequestObserver.Answer(requestId, exchange.getRequestMethod(), x.route,
        exchange.getRequestURI().getRawPath(), response.status(), System.nanoTime() - x.startNanos,
        response.body() == null ? -1 : response.body().length, client,
        x.admission == null ? null : x.admission.caller(), RequestIds.errorCode(response), x.auditNotes.get());
  }

  private ApiResponse respond(Exchange x) throws IOException {
    try {
      return dispatch(x);
    } catch (ApiError e) {
      return ErrorMapping.toResponse(e);
    } catch (CcsException e) {
      return ErrorMapping.toResponse(e);
    } catch (StoreException e) {
      LOG.error("{} {}: storage failed", x.http.getRequestMethod(), x.http.getRequestURI().getRawPath(), e);
      return ErrorMapping.toResponse(e);
    } catch (UnreadableBody e) {
      if (e.timedOut) {
        throw e.cause; // the connection is closed: there is no one to answer
      }
      return ErrorMapping.toResponse(new ApiError(400, "malformed_body", "The request body could not be read: "
          + e.cause.getMessage()));
    } catch (RuntimeException | Error e) {
      if (e instanceof OutOfMemoryError oom) {
        throw oom; // the JVM is in no state to answer (and with -XX:+ExitOnOutOfMemoryError, it restarts)
      }
      LOG.error("{} {} failed", x.http.getRequestMethod(), x.http.getRequestURI().getRawPath(), e);
      return ApiResponse.json(500, ErrorMapping.errorBody("Internal server error", "internal_error"));
    }
  }

  private ApiResponse dispatch(Exchange x) throws UnreadableBody {
    HttpExchange exchange = x.http;
    if (draining) {
      throw new ApiError(503, "server_stopping", "The server is stopping; try again shortly",
          Map.of("Retry-After", "5", "Connection", "close"));
    }
    if (ExchangeExecutor.shedding()) {
      throw new CcsException.Overloaded("server_busy", "Every request handler is busy and the line for them is full "
          + "(http.maxThreads, http.maxQueuedRequests, http.queueTimeout); try again shortly", RETRY_AFTER);
    }
    String rawPath = exchange.getRequestURI().getRawPath();
    String rawQuery = exchange.getRequestURI().getRawQuery();
    int targetLength = (rawPath == null ? 0 : rawPath.length()) + (rawQuery == null ? 0 : rawQuery.length() + 1);
    if (targetLength > config.maxUrlBytes()) {
      throw new ApiError(414, "uri_too_long", "The request target is longer than " + config.maxUrlBytes()
          + " bytes (http.maxUrlBytes)");
    }
    checkHeaders(exchange.getRequestHeaders());
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    Map<String, String> query = QueryString.parse(rawQuery);
    ApiRequest bare = new ApiRequest(method, rawPath, Map.of(), query, headers, new byte[0]);
    x.admission = gate.admit(bare, exchange.getRemoteAddress() == null ? null
        : exchange.getRemoteAddress().getAddress());
    Router.Match match = router.match(method, rawPath);
    x.route = match.pattern();
    x.admission.authorize(match.scope());
    // No local keeps the body: the request drops it once parsed, while a turn may go on for minutes.
    ApiRequest request = new ApiRequest(method, rawPath, match.params(), query, headers,
        readBody(x, Math.min(match.maxBodyBytes(), config.maxBodyBytes())));
    request.caller(x.admission::may);
    x.auditNotes = request::auditNotes;
    return match.handler().handle(request);
  }

  private void checkHeaders(Headers headers) {
    int count = 0;
    long bytes = 0;
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      for (String value : header.getValue()) {
        count++;
        bytes += header.getKey().length() + (value == null ? 0 : value.length()) + 4;
      }
    }
    if (count > config.maxHeaderCount()) {
      throw new ApiError(431, "headers_too_large", "The request has " + count + " headers; at most "
          + config.maxHeaderCount() + " are accepted (http.maxHeaderCount)");
    }
    if (bytes > config.maxHeaderBytes()) {
      throw new ApiError(431, "headers_too_large", "The request headers are larger than " + config.maxHeaderBytes()
          + " bytes (http.maxHeaderBytes)");
    }
  }

  /** A body read failed: malformed (answered 400), or its read timed out (the connection is closed). */
  private static final class UnreadableBody extends Exception {
    final IOException cause;
    final boolean timedOut;

    UnreadableBody(IOException cause, boolean timedOut) {
      super(cause.getMessage(), cause, false, false);
      this.cause = cause;
      this.timedOut = timedOut;
    }
  }

  /**
   * Reads a request's body into an array that grows as bytes arrive (so a client that sends slowly
   * holds only what it has sent), each growth reserved in the in-flight budget first.
   */
  private byte[] readBody(Exchange x, int limit) throws UnreadableBody {
    Headers headers = x.http.getRequestHeaders();
    boolean chunked = headers.getFirst("Transfer-Encoding") != null;
    String length = headers.getFirst("Content-Length");
    // The JDK has checked both: one at most, a non-negative number, "chunked" only.
    long declared = chunked ? -1 : length == null ? 0 : Long.parseLong(length.trim());
    if (declared > limit) {
      throw tooLarge(limit);
    }
    long expected = declared >= 0 ? declared : limit;
    byte[] data = new byte[(int) Math.min(expected, FIRST_BODY_BUFFER)];
    reserve(x, data.length);
    int size = 0;
    try {
      InputStream in = WatchedStreams.input(x.http.getRequestBody(), x.watch);
      while (true) {
        if (size == data.length) {
          if (size >= expected) {
            // All that may come has come: the body ends here, or it is too large.
            if (in.read() < 0) {
              break;
            }
            throw tooLarge(limit);
          }
          int grown = (int) Math.min(expected, Math.max(data.length * 2L, size + FIRST_BODY_BUFFER));
          reserve(x, grown - data.length);
          data = Arrays.copyOf(data, grown);
        }
        int n = in.read(data, size, data.length - size);
        if (n < 0) {
          break;
        }
        size += n;
      }
    } catch (IOException e) {
      x.bodyBroken = true;
      throw new UnreadableBody(e, x.watch.timedOut());
    }
    x.bodyRead = true;
    return size == data.length ? data : Arrays.copyOf(data, size);
  }

  private void reserve(Exchange x, long bytes) {
    if (!bodies.tryReserve(bytes)) {
      throw new CcsException.Overloaded("server_busy", "The request bodies being handled take all of "
          + bodies.capacity() + " bytes (http.maxBodyBytesInFlight); try again shortly", RETRY_AFTER);
    }
    x.reserved += bytes;
  }

  /**
   * Reads and drops the body of a request refused before its body was read (up to {@code cap}
   * bytes, each read under the I/O time limit), so that the client, which may still be sending it,
   * reads the refusal instead of a connection reset; the connection then stays usable. A larger
   * body is not read: the connection is closed after the answer.
   */
  private static void discardBody(Exchange x, long cap) {
    try {
      InputStream in = WatchedStreams.input(x.http.getRequestBody(), x.watch);
      byte[] buffer = new byte[16 * 1024];
      long total = 0;
      int n;
      while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, cap + 1 - total))) > 0) {
        total += n;
        if (total > cap) {
          return;
        }
      }
      x.bodyRead = true;
    } catch (IOException e) {
      // Malformed, or the client went away: the connection is closed after the answer.
    }
  }

  private static ApiError tooLarge(int limit) {
    return new ApiError(413, "payload_too_large", "Request body is larger than " + limit + " bytes");
  }

  private void send(Exchange x, ApiResponse response) throws IOException {
    HttpExchange exchange = x.http;
    response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    if (!x.bodyRead) {
      // The JDK closes a connection whose request body was not read to its end: say so.
      exchange.getResponseHeaders().set("Connection", "close");
    }
    boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
    OutputStream out = WatchedStreams.output(exchange.getResponseBody(), x.watch);
    if (response.writer() != null) {
      // A stream ends its connection: the JDK forgets a connection cleanly only when it closes it
      // at the end of an exchange, and a stream's end is often a client that is gone already.
      exchange.getResponseHeaders().set("Connection", "close");
      sendHeaders(x, response.status(), 0);
      try (out) {
        response.writer().write(out);
      }
      return;
    }
    byte[] body = response.body();
    if (head || body.length == 0) {
      sendHeaders(x, response.status(), -1);
      return;
    }
    sendHeaders(x, response.status(), body.length);
    try (out) {
      // The JDK copies each write into a buffer of its connection that grows to twice the largest
      // write and is kept as long as the connection: writes no larger than its first size keep it small.
      for (int offset = 0; offset < body.length; offset += WRITE_SLICE) {
        out.write(body, offset, Math.min(WRITE_SLICE, body.length - offset));
      }
    }
  }

  private static void sendHeaders(Exchange x, int status, long length) throws IOException {
    x.watch.arm();
    try {
      x.http.sendResponseHeaders(status, length);
    } finally {
      x.watch.disarm();
    }
  }
}
