package dev.ccs.httpd.metrics;

import dev.ccs.core.stats.LatencyHistogram;
import dev.ccs.httpd.routing.RequestObserver;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * HTTP requests by method, route pattern and status, and their durations by method and route. The
 * labels are bounded: routes are the router's patterns (or {@code unmatched}), never raw paths.
 */
public final class HttpMetrics implements RequestObserver {

  /** A request's labels. */
  record Key(String method, String route, int status) {
  }

  /** A duration's labels. */
  record Route(String method, String route) {
  }

  private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<Route, LatencyHistogram> durations = new ConcurrentHashMap<>();

  @Override
  public void answered(Answer answer) {
    requests.computeIfAbsent(new Key(answer.method(), answer.route(), answer.status()), k -> new LongAdder())
        .increment();
    durations.computeIfAbsent(new Route(answer.method(), answer.route()), r -> new LatencyHistogram())
        .observe(answer.nanos());
  }

  Map<Key, Long> requests() {
    Map<Key, Long> result = new TreeMap<>(java.util.Comparator.comparing(Key::route).thenComparing(Key::method)
        .thenComparingInt(Key::status));
    requests.forEach((key, count) -> result.put(key, count.sum()));
    return result;
  }

  Map<Route, LatencyHistogram.Snapshot> durations() {
    Map<Route, LatencyHistogram.Snapshot> result = new TreeMap<>(java.util.Comparator.comparing(Route::route)
        .thenComparing(Route::method));
    durations.forEach((route, histogram) -> result.put(route, histogram.snapshot()));
    return result;
  }
}
