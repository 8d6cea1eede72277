package dev.ccs.httpd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ExecutionConfig;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A real ccs server on 127.0.0.1, port 0, for HTTP tests: a config under a temp dir, the given
 * {@code claude} executable, and an HTTP client without proxy.
 */
public final class TestServer implements AutoCloseable {

  private final Ccs ccs;
  private final CcsHttpServer server;
  private final HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(null))
      .connectTimeout(Duration.ofSeconds(10)).build();

  private TestServer(Ccs ccs, CcsHttpServer server) {
    this.ccs = ccs;
    this.server = server;
  }

  /**
   * The default test config: everything under {@code home}, CLI at {@code claude}, a clean
   * environment, and no rate limit (tests send far more than a client should; the rate limit's own
   * tests turn it on).
   */
  public static CcsConfig config(Path home, Path claude) {
    return CcsConfig.defaults(home).toBuilder()
        .claudePath(claude.toString())
        .port(0)
        .rateLimit(dev.ccs.core.config.RateLimitConfig.OFF)
        .execution(ExecutionConfig.of(Duration.ofSeconds(60), Duration.ofSeconds(2)))
        .build();
  }

  public static TestServer start(CcsConfig config) {
    return start(config, Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home")), b -> b);
  }

  public static TestServer start(CcsConfig config, Map<String, String> environment, UnaryOperator<Ccs.Builder> customizer) {
    Ccs ccs = customizer.apply(Ccs.builder(config).environment(environment)).build();
    try {
      return new TestServer(ccs, CcsHttpServer.start(ccs, "127.0.0.1", 0));
    } catch (RuntimeException e) {
      ccs.close();
      throw e;
    }
  }

  /** A server whose handlers run on the Java 17 pool of platform threads, whatever this JVM offers. */
  public static TestServer startPooled(CcsConfig config) {
    Ccs ccs = Ccs.builder(config).environment(Map.of("PATH", System.getenv("PATH"), "HOME",
        System.getProperty("user.home"))).build();
    try {
      return new TestServer(ccs, CcsHttpServer.start(ccs, "127.0.0.1", 0,
          http -> dev.ccs.httpd.transport.ExchangeExecutor.pooled(http, dev.ccs.core.time.Ticker.system())));
    } catch (RuntimeException e) {
      ccs.close();
      throw e;
    }
  }

  public Ccs ccs() {
    return ccs;
  }

  public CcsHttpServer httpServer() {
    return server;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  public int port() {
    return server.port();
  }

  public HttpClient client() {
    return client;
  }

  public Reply get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public Reply delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  public Reply post(String path, String json) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Reply patch(String path, String json) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  public Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(120)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Reply(response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
    ccs.close();
  }

  /** A response with its body parsed as JSON (when it is). */
  public record Reply(HttpResponse<String> response) {

    public int status() {
      return response.statusCode();
    }

    public String text() {
      return response.body();
    }

    public JsonNode json() {
      try {
        return Json.parse(response.body());
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status() + "): " + response.body());
      }
    }

    public String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status() + " " + response.body();
    }
  }
}
