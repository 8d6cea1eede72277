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
   * @param caller the name of the key that authenticated the request, {@code "anonymous"} with
   *     authentication off, or null when the request was refused before
   * @param errorCode an error answer's reason ({@code reason} of a 401, else its {@code code}), or null
   * @param auditNotes what the request chose that the audit log records (a permission escalation)
   */
  record Answer(String requestId, String method, String route, String path, int status, long nanos, long bytes,
      String client, String caller, String errorCode, List<String> auditNotes) {

    /** The same answer, timed until {@code elapsedNanos}. */
    public Answer timed(long elapsedNanos) {
      return new Answer(requestId, method, route, path, status, elapsedNanos, bytes, client, caller, errorCode,
          auditNotes);
    }
  }

  /** After the answer was sent (its duration includes the sending). */
  void answered(Answer answer);

  /** Before the answer is sent: what must be on record before the client learns the outcome (audit). */
  default void answering(Answer answer) {
  }

  /** Tells each of {@code observers}, in order. */
  static RequestObserver all(List<RequestObserver> observers) {
    List<RequestObserver> copy = List.copyOf(observers);
    return new RequestObserver() {
      @Override
      public void answered(Answer answer) {
        copy.forEach(o -> o.answered(answer));
      }

      @Override
      public void answering(Answer answer) {
        copy.forEach(o -> o.answering(answer));
      }
    };
  }
}
