package dev.ccs.httpd.routing;

import java.util.List;

/** Told of every answered request, by its route's pattern (bounded: never a raw path). */
@FunctionalInterface
public interface RequestObserver {

  RequestObserver NONE = answer -> { };

  /**
   * One answered request.
   *
   * @param route the matched route's pattern, or {@code "unmatched"}
   * @param nanos from the request's arrival until its answer was sent
   * @param bytes the body's length, or -1 for a streamed one
   * @param client the client's address
   */
  record Answer(String requestId, String method, String route, int status, long nanos, long bytes, String client) {
  }

  void answered(Answer answer);

  /** Tells each of {@code observers}, in order. */
  static RequestObserver all(List<RequestObserver> observers) {
    List<RequestObserver> copy = List.copyOf(observers);
    return answer -> copy.forEach(o -> o.answered(answer));
  }
}
