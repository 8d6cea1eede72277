package dev.ccs.httpd.routing;

import dev.ccs.core.auth.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Routes by method and path pattern. Segments in braces ({@code /api/sessions/{id}}) capture one
 * path segment; a trailing {@code {*name}} captures the rest of the path. Literal segments win over
 * captures (so {@code /api/sessions/search} is not a session id), and a known path with another
 * method answers 405 with an {@code Allow} header.
 */
public final class Router {

  /** One route; {@code scope} is what a key needs to call it. */
  public record Route(String method, String pattern, List<String> segments, ApiHandler handler, int maxBodyBytes,
      Scope scope) {
  }

  /**
   * The handler for a request, the values of its path parameters, the largest body it takes, the
   * route's pattern (what metrics and logs name the request by: never its raw path) and the scope a
   * key needs to call it.
   */
  public record Match(ApiHandler handler, Map<String, String> params, int maxBodyBytes, String pattern, Scope scope) {
  }

  /** Body limit of a route that names none: enough for metadata, too small for a prompt. */
  public static final int DEFAULT_MAX_BODY_BYTES = dev.ccs.core.config.HttpConfig.SMALL_BODY_BYTES;

  private static final Pattern PARAM = Pattern.compile("\\{\\*?[a-zA-Z_][a-zA-Z0-9_]*}");

  private final List<Route> routes = new ArrayList<>();

  public Router get(String pattern, ApiHandler handler) {
    return add("GET", pattern, handler);
  }

  public Router post(String pattern, ApiHandler handler) {
    return add("POST", pattern, handler);
  }

  /** A POST route whose body may be up to {@code maxBodyBytes} (one that carries a prompt). */
  public Router post(String pattern, int maxBodyBytes, ApiHandler handler) {
    return add("POST", pattern, handler, maxBodyBytes);
  }

  public Router put(String pattern, ApiHandler handler) {
    return add("PUT", pattern, handler);
  }

  public Router patch(String pattern, ApiHandler handler) {
    return add("PATCH", pattern, handler);
  }

  public Router delete(String pattern, ApiHandler handler) {
    return add("DELETE", pattern, handler);
  }

  public Router add(String method, String pattern, ApiHandler handler) {
    return add(method, pattern, handler, DEFAULT_MAX_BODY_BYTES);
  }

  /** A route only keys with the {@code admin} scope may call (keys, configuration, providers). */
  public Router admin(String method, String pattern, ApiHandler handler) {
    return add(method, pattern, handler, DEFAULT_MAX_BODY_BYTES, Scope.ADMIN);
  }

  /** Reading needs {@code read}; anything else {@code run}. */
  public Router add(String method, String pattern, ApiHandler handler, int maxBodyBytes) {
    return add(method, pattern, handler, maxBodyBytes, method.equals("GET") ? Scope.READ : Scope.RUN);
  }

  public synchronized Router add(String method, String pattern, ApiHandler handler, int maxBodyBytes, Scope scope) {
    List<String> segments = split(pattern);
    for (String segment : segments) {
      if (segment.startsWith("{") && !PARAM.matcher(segment).matches()) {
        throw new IllegalArgumentException("bad parameter segment " + segment + " in " + pattern);
      }
    }
    for (Route route : routes) {
      if (route.method.equals(method) && shape(route.segments).equals(shape(segments))) {
        throw new IllegalArgumentException("route " + method + " " + pattern + " already exists");
      }
    }
    routes.add(new Route(method, pattern, List.copyOf(segments), handler, maxBodyBytes, scope));
    return this;
  }

  /**
   * The handler for {@code method path}.
   *
   * @throws ApiError 404 for an unknown path, 405 for a known path with another method, 400 for a
   *     path with a control character or a malformed escape
   */
  public Match match(String method, String rawPath) {
    List<String> parts = new ArrayList<>();
    for (String part : split(rawPath)) {
      parts.add(PercentDecoding.decodeStrict(part));
    }
    String path = rawPath;
    Match best = null;
    int bestScore = -1;
    Set<String> allowed = new LinkedHashSet<>();
    for (Route route : routes) {
      Map<String, String> params = new LinkedHashMap<>();
      int score = score(route.segments, parts, params);
      if (score < 0) {
        continue;
      }
      if (!route.method.equals(method) && !(method.equals("HEAD") && route.method.equals("GET"))) {
        allowed.add(route.method);
        continue;
      }
      if (score > bestScore) {
        best = new Match(route.handler, params, route.maxBodyBytes, route.pattern, route.scope);
        bestScore = score;
      }
    }
    if (best != null) {
      return best;
    }
    if (!allowed.isEmpty()) {
      throw new ApiError(405, "method_not_allowed", "Method " + method + " is not allowed on " + path,
          Map.of("Allow", String.join(", ", allowed)));
    }
    throw new ApiError(404, "not_found", "Not found: " + method + " " + path);
  }

  /** Every route, in the order they were added (for the API description). */
  public synchronized List<Route> routes() {
    return List.copyOf(routes);
  }

  /** How well a route matches: -1 for no match, else the number of literal segments. */
  private static int score(List<String> pattern, List<String> parts, Map<String, String> params) {
    int literals = 0;
    for (int i = 0; i < pattern.size(); i++) {
      String segment = pattern.get(i);
      if (segment.startsWith("{*")) {
        if (i >= parts.size()) {
          return -1;
        }
        params.put(segment.substring(2, segment.length() - 1), String.join("/", parts.subList(i, parts.size())));
        return literals;
      }
      if (i >= parts.size()) {
        return -1;
      }
      if (segment.startsWith("{")) {
        params.put(segment.substring(1, segment.length() - 1), parts.get(i));
      } else if (segment.equals(parts.get(i))) {
        literals++;
      } else {
        return -1;
      }
    }
    return pattern.size() == parts.size() ? literals : -1;
  }

  private static String shape(List<String> segments) {
    return String.join("/", segments.stream().map(s -> s.startsWith("{") ? "{}" : s).toList());
  }

  private static List<String> split(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    return parts;
  }
}
