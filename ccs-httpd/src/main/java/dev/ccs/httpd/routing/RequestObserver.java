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
   * @param path the raw path (for the audit log only: metrics and the request log keep to routes)
   * @param nanos from the request's arrival until its answer was sent
   * @param bytes the body's length, or -1 for a streamed one
   * @param client the client's address
   * @param errorCode an error answer's reason ({@code reason} of a 401, else its {@code code}), or null
   */
  record Answer(String requestId, String method, String route, String path, int status, long nanos, long bytes,
      String client, String errorCode) {
  }

  void answered(Answer answer);

  /** Tells each of {@code observers}, in order. */
  static RequestObserver all(List<RequestObserver> observers) {
    List<RequestObserver> copy = List.copyOf(observers);
    return answer -> copy.forEach(o -> o.answered(answer));
  }
}
