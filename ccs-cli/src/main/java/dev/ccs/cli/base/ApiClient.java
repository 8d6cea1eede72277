package dev.ccs.cli.base;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.auth.ApiKeys;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small client of a running ccs server's HTTP API, authenticated with the config's key when auth is on. */
public final class ApiClient {

  /** A response: status and JSON body. */
  public record Reply(int status, JsonNode body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The error text of a failed reply. */
    public String error() {
      return body.path("error").asText("HTTP " + status);
    }
  }

  private final HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(null))
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final String apiKey;

  public ApiClient(CcsConfig config) {
    String host = config.host().equals("0.0.0.0") || config.host().equals("::") ? "127.0.0.1" : config.host();
    this.base = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + config.port());
    this.apiKey = config.security().auth().enabled() ? ApiKeys.legacyKey(config.security().auth().secretKey()) : null;
  }

  public URI base() {
    return base;
  }

  /** The server did not answer (not running, or not at the configured address). */
  public static final class Unreachable extends RuntimeException {
    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public Reply get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET(), Duration.ofSeconds(10));
  }

  public Reply post(String path, Object body, Duration timeout) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body))), timeout);
  }

  public Reply delete(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).DELETE(), Duration.ofSeconds(30));
  }

  /**
   * One call for the commands: {@code method} on {@code path} with an optional JSON body; a server
   * that does not answer is {@link Unreachable}.
   */
  public Reply call(String method, String path, Object body, Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body)));
    }
    try {
      return send(request, timeout);
    } catch (IOException e) {
      throw new Unreachable("the server does not answer at " + base + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted", e);
    }
  }

  public Reply call(String method, String path) {
    return call(method, path, null, Duration.ofSeconds(30));
  }

  private Reply send(HttpRequest.Builder request, Duration timeout) throws IOException, InterruptedException {
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    HttpResponse<String> response = client.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body;
    try {
      body = Json.parse(response.body().isEmpty() ? "{}" : response.body());
    } catch (IOException e) {
      body = Json.object().put("error", response.body());
    }
    return new Reply(response.statusCode(), body);
  }
}
