package dev.ccs.httpd.log;

import dev.ccs.httpd.routing.RequestObserver;

/** One log line per answered request (info level): id, method, route pattern, status, time, size, client, key name. */
public final class AccessLog implements RequestObserver {

  @Override
  public void answered(Answer answer) {
    ServerLog.access(answer.requestId(), answer.method(), answer.route(), answer.status(), answer.nanos() / 1_000_000,
        answer.bytes(), answer.client(), answer.caller());
  }
}
