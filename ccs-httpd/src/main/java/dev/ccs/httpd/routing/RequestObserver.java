package dev.ccs.httpd.routing;

/** Told of every answered request, by its route's pattern (bounded: never a raw path). */
@FunctionalInterface
public interface RequestObserver {

  RequestObserver NONE = (method, route, status, nanos) -> { };

  /**
   * @param route the matched route's pattern, or {@code "unmatched"}
   * @param nanos from the request's arrival until its answer was sent
   */
  void answered(String method, String route, int status, long nanos);
}
