package dev.ccs.httpd.routing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.ccs.core.CcsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only code that touches {@link HttpExchange}: reads the request (with the body limit), finds
 * the route, calls the handler, maps exceptions to JSON errors and writes the response. Nothing
 * ever answers with an HTML page or an unexplained 500.
 */
public final class HttpAdapter implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(HttpAdapter.class);

  private final Router router;
  private final int maxBodyBytes;
  private final Function<ApiRequest, ApiResponse> filter;

  /**
   * @param filter runs before routing; a non-null response (401, 429) is sent instead of the route's
   */
  public HttpAdapter(Router router, int maxBodyBytes, Function<ApiRequest, ApiResponse> filter) {
    this.router = router;
    this.maxBodyBytes = maxBodyBytes;
    this.filter = filter;
  }

  @Override
  public void handle(HttpExchange exchange) {
    try (exchange) {
      ApiResponse response;
      try {
        response = dispatch(exchange);
      } catch (ApiError e) {
        response = ErrorMapping.toResponse(e);
      } catch (CcsException e) {
        response = ErrorMapping.toResponse(e);
      } catch (Exception e) {
        LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e);
        response = ApiResponse.json(500, ErrorMapping.errorBody("Internal server error", "internal_error"));
      }
      send(exchange, response);
    } catch (IOException e) {
      // The client went away; nothing to answer.
      LOG.debug("{} {}: client disconnected: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
    } catch (RuntimeException e) {
      LOG.error("{} {}: response failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
    }
  }

  private ApiResponse dispatch(HttpExchange exchange) throws Exception {
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    String rawPath = exchange.getRequestURI().getRawPath();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    Map<String, String> query = QueryString.parse(exchange.getRequestURI().getRawQuery());
    ApiRequest bare = new ApiRequest(method, rawPath, Map.of(), query, headers, new byte[0]);
    ApiResponse refused = filter.apply(bare);
    if (refused != null) {
      return refused;
    }
    Router.Match match = router.match(method, rawPath);
    byte[] body = readBody(exchange);
    return match.handler().handle(new ApiRequest(method, rawPath, match.params(), query, headers, body));
  }

  private byte[] readBody(HttpExchange exchange) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > maxBodyBytes) {
          throw tooLarge();
        }
      } catch (NumberFormatException e) {
        throw new ApiError(400, "invalid_request", "Content-Length is not a number");
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(maxBodyBytes + 1);
      if (body.length > maxBodyBytes) {
        throw tooLarge();
      }
      return body;
    }
  }

  private ApiError tooLarge() {
    return new ApiError(413, "payload_too_large", "Request body is larger than " + maxBodyBytes + " bytes");
  }

  private static void send(HttpExchange exchange, ApiResponse response) throws IOException {
    response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
    if (response.writer() != null) {
      exchange.sendResponseHeaders(response.status(), 0);
      try (OutputStream out = exchange.getResponseBody()) {
        response.writer().write(out);
      }
      return;
    }
    byte[] body = response.body();
    if (head || body.length == 0) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(response.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
