package dev.ccs.httpd.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.httpd.routing.RequestObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log ({@code security.audit.enabled}): security events as JSON lines in
 * {@code dataDir/audit/audit.jsonl}, each forced to disk before the request's answer is final,
 * rotated like the server log. Events: authentication failures (with the reason, never the key
 * presented), requests refused by policy (403: a path outside the roots, a permission bypass or MCP
 * config the operator did not allow), permission escalations that were granted (a request's
 * {@code permission_mode: bypassPermissions} or own MCP config, where the operator allows them),
 * deletions of sessions and projects, API keys created and revoked, and config reloads. The actor
 * is the key's name and the client's address.
 */
public final class AuditLog implements RequestObserver {

  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

  private final RotatingFile file;
  private final Clock clock;

  private AuditLog(RotatingFile file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /** The audit log of {@code config}, or null when it is off. */
  public static AuditLog open(CcsConfig config, Clock clock) throws IOException {
    if (!config.security().audit()) {
      return null;
    }
    Path path = config.dataDir().resolve("audit").resolve("audit.jsonl");
    return new AuditLog(new RotatingFile(path, config.logging().maxBytes(), config.logging().maxFiles(), true),
        clock);
  }

  @Override
  public void answered(Answer answer) {
    // Written in answering(), before the client learns the outcome.
  }

  @Override
  public void answering(Answer answer) {
    String reason = answer.errorCode() == null ? "unknown" : answer.errorCode();
    if (answer.status() == 401) {
      write("auth_failure", actor(answer), Map.of("method", answer.method(), "path", bounded(answer.path()),
          "reason", reason, "request_id", answer.requestId()));
    } else if (answer.status() == 403) {
      write("request_refused", actor(answer), Map.of("method", answer.method(), "route", answer.route(),
          "reason", reason, "request_id", answer.requestId()));
    } else if (answer.status() < 400 && !answer.auditNotes().isEmpty()) {
      Map<String, List<String>> events = new java.util.LinkedHashMap<>();
      for (String note : answer.auditNotes()) {
        int colon = note.indexOf(':');
        events.computeIfAbsent(note.substring(0, colon), k -> new ArrayList<>()).add(note.substring(colon + 1));
      }
      events.forEach((event, details) -> write(event, actor(answer), Map.of("method", answer.method(), "route",
          answer.route(), event.equals("permission_escalation") ? "granted" : "subject",
          String.join(",", details.stream().distinct().toList()), "request_id", answer.requestId())));
    } else if (answer.method().equals("DELETE") && answer.status() == 200) {
      if (answer.route().equals("/api/sessions/{id}")) {
        write("session_deleted", actor(answer), Map.of("path", bounded(answer.path()), "request_id",
            answer.requestId()));
      } else if (answer.route().equals("/api/projects/{*path}")) {
        write("project_deleted", actor(answer), Map.of("path", bounded(answer.path()), "request_id",
            answer.requestId()));
      }
    }
  }

  /** The key's name and the client's address ({@code ci@10.0.0.7}); the address alone before authentication. */
  private static String actor(Answer answer) {
    return answer.caller() == null ? answer.client() : answer.caller() + "@" + answer.client();
  }

  /** An event that is not a request's (a config file edit applied). */
  public void event(String type, String actor, Map<String, String> details) {
    write(type, actor, details);
  }

  private void write(String type, String actor, Map<String, String> details) {
    ObjectNode event = Json.object();
    event.put("time", clock.instant().toString());
    event.put("type", type);
    event.put("actor", actor);
    details.forEach(event::put);
    try {
      file.write(Json.write(event));
    } catch (IOException e) {
      LOG.error("audit event {} not written: {}", type, e.getMessage());
    }
  }

  private static String bounded(String path) {
    return path == null ? null : path.length() > 512 ? path.substring(0, 512) + "…" : path;
  }

  public void close() {
    try {
      file.close();
    } catch (IOException e) {
      LOG.warn("closing the audit log failed: {}", e.getMessage());
    }
  }
}
