package dev.ccs.httpd.handlers;

import dev.ccs.core.Ccs;
import dev.ccs.core.cluster.Cluster;
import dev.ccs.core.error.CcsException;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Sends a request that another node serves (a stream it runs, the events of a task it runs) to
 * that node, and streams its answer back as it comes: with several nodes on one database, a client
 * may reach any of them. The caller's credentials go along (the nodes share their keys); a request
 * forwarded once is never forwarded again ({@value #FORWARDED_BY}), so two nodes that disagree
 * about who serves what cannot send it back and forth.
 */
final class NodeForwarder {

  static final String FORWARDED_BY = "X-CCS-Forwarded-By";
  private static final List<String> PASSED_ON = List.of("Authorization", "X-API-Key", "Accept", "Last-Event-ID");
  private static final List<String> PASSED_BACK = List.of("Cache-Control", "X-Accel-Buffering", "X-Session-Id",
      "X-Stream-Id", "Retry-After");

  private final Ccs ccs;
  private volatile HttpClient client;

  NodeForwarder(Ccs ccs) {
    this.ccs = ccs;
  }

  /**
   * The answer of {@code node} to this request, when that node is another live one and the request
   * came from a client (not from a node); empty when this node answers itself.
   *
   * @throws CcsException.Unavailable when that node does not answer (503, try again)
   */
  Optional<ApiResponse> forward(ApiRequest request, Optional<String> node) {
    Cluster cluster = ccs.cluster().orElse(null);
    if (cluster == null || node.isEmpty() || node.get().equals(cluster.nodeId())
        || request.header(FORWARDED_BY) != null) {
      return Optional.empty();
    }
    Optional<String> base = cluster.urlOf(node.get());
    if (base.isEmpty()) {
      return Optional.empty();
    }
    HttpRequest.Builder forwarded = HttpRequest.newBuilder(URI.create(base.get().replaceAll("/$", "") + request.path()
        + query(request.query()))).method(request.method(), HttpRequest.BodyPublishers.noBody())
        .header(FORWARDED_BY, cluster.nodeId());
    for (String name : PASSED_ON) {
      String value = request.header(name);
      if (value != null) {
        forwarded.header(name, value);
      }
    }
    HttpResponse<InputStream> answer;
    try {
      answer = client().send(forwarded.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new CcsException.Unavailable("node " + node.get() + ", which serves this, did not answer: "
          + e.getClass().getSimpleName() + "; try again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CcsException.Unavailable("interrupted while forwarding to node " + node.get());
    }
    ApiResponse response = ApiResponse.streaming(answer.statusCode(),
        answer.headers().firstValue("Content-Type").orElse("application/octet-stream"), out -> {
          try (InputStream in = answer.body()) {
            byte[] buffer = new byte[8192];
            int read;
            // Flushed as it arrives: a stream's events reach the client when the other node sends them.
            while ((read = in.read(buffer)) >= 0) {
              out.write(buffer, 0, read);
              out.flush();
            }
          }
        });
    for (String name : PASSED_BACK) {
      answer.headers().firstValue(name).ifPresent(value -> response.header(name, value));
    }
    response.header("X-CCS-Node", node.get());
    return Optional.of(response);
  }

  private static String query(Map<String, String> query) {
    if (query.isEmpty()) {
      return "";
    }
    return "?" + query.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
  }

  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        if (client == null) {
          // Nodes talk directly: never through a proxy of the environment.
          client = HttpClient.newBuilder().proxy(ProxySelector.of(null)).connectTimeout(Duration.ofSeconds(5))
              .version(HttpClient.Version.HTTP_1_1).build();
        }
        c = client;
      }
    }
    return c;
  }
}
