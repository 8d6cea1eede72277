package dev.ccs.httpd.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.json.Json;
import dev.ccs.core.message.MessageResult;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.session.MessagePage;
import dev.ccs.core.session.MessageQuery;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionFilter;
import dev.ccs.core.session.SessionJson;
import dev.ccs.core.session.SessionStatus;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.warm.WarmStatus;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import dev.ccs.httpd.routing.BodyFields;
import dev.ccs.core.session.SessionCursor;
import dev.ccs.httpd.routing.JsonStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The session endpoints of the Node server: create, list, search, get, status, stats, delete, continue, messages. */
public final class SessionsHandler {

  private final Ccs ccs;
  private final StreamsHandler streams;

  public SessionsHandler(Ccs ccs, StreamsHandler streams) {
    this.ccs = ccs;
    this.streams = streams;
  }

  /** {@code POST /api/sessions}: 201 with the new session. */
  public ApiResponse create(ApiRequest request) {
    BodyFields fields = new BodyFields(request.jsonObject());
    String projectPath = fields.requiredString("project_path");
    String model = fields.optionalString("model");
    ObjectNode metadata = fields.optionalObject("metadata");
    BigDecimal maxBudget = fields.optionalNumber("max_budget_usd", BigDecimal.ZERO, null);
    fields.rejectUnknown();
    Session session = ccs.sessions().create(projectPath, model, metadata, maxBudget);
    return ApiResponse.json(201, WireFormat.success().set("session", SessionJson.toJson(session)));
  }

  /** {@code GET /api/sessions?status=&project_path=&limit=}, most recently updated first. */
  public ApiResponse list(ApiRequest request) {
    Queries.onlyKnown(request, Set.of("status", "project_path", "limit", "cursor"));
    String status = request.query().get("status");
    SessionStatus statusFilter = null;
    if (status != null && !status.isEmpty()) {
      statusFilter = SessionStatus.fromWireName(status).orElseThrow(() -> new CcsException.InvalidRequest(
          "\"status\" must be one of [" + String.join(", ", SessionStatus.wireNames()) + "]"));
    }
    String project = request.query().get("project_path");
    String projectFilter = project == null || project.isEmpty() ? null : ccs.projectRoots().normalize(project);
    int size = Queries.pageSize(request, 1000);
    String cursor = request.query().get("cursor");
    SessionCursor after = cursor == null || cursor.isEmpty() ? null : SessionCursor.decode(cursor);
    List<Session> found = ccs.sessions().list(new SessionFilter(statusFilter, projectFilter, after), size + 1);
    return JsonStream.list(WireFormat.success(), "sessions", Queries.page(found, size),
        s -> java.util.Optional.of(SessionJson.toJson(s)),
        Queries.pageEnd(found, size, s -> SessionCursor.after(s).encode()));
  }

  /** {@code GET /api/sessions/search?q=&limit=}. */
  public ApiResponse search(ApiRequest request) {
    Queries.onlyKnown(request, Set.of("q", "limit"));
    String q = request.query().get("q");
    if (q == null) {
      throw new CcsException.InvalidRequest("\"q\" is required");
    }
    if (q.isEmpty()) {
      throw new CcsException.InvalidRequest("\"q\" is not allowed to be empty");
    }
    return sessions(ccs.sessions().search(q, Queries.limit(request, 100, 100)));
  }

  /** Written one session at a time: no tree of the whole page is built. */
  private static ApiResponse sessions(List<Session> sessions) {
    return JsonStream.list(WireFormat.success(), "sessions", sessions, s -> java.util.Optional.of(SessionJson.toJson(s)));
  }

  /** {@code GET /api/sessions/{id}}. */
  public ApiResponse get(ApiRequest request) {
    Session session = ccs.sessions().get(Queries.sessionId(request));
    ObjectNode view = SessionJson.toJson(session);
    view.set("warm", warmView(session.id()));
    return ApiResponse.json(200, WireFormat.success().set("session", view));
  }

  /**
   * The session's warm CLI: {@code state} {@code idle} or {@code busy} with its pid, turns served and
   * resident memory; {@code crashed} when its last one exited by itself (the next turn resumes in a
   * new one); {@code none}.
   */
  private ObjectNode warmView(UUID id) {
    ObjectNode warm = Json.object();
    Optional<WarmStatus.Process> process = ccs.sessions().warm().of(id);
    if (process.isEmpty()) {
      warm.put("state", ccs.sessions().warm().crashed(id) ? "crashed" : "none");
      return warm;
    }
    warm.put("state", process.get().state());
    warm.put("pid", process.get().pid());
    warm.put("turns", process.get().turns());
    warm.put("rss_bytes", process.get().rssBytes());
    warm.put("idle_ms", process.get().idleFor().toMillis());
    return warm;
  }

  /** {@code DELETE /api/sessions/{id}}: the session and its messages (not its directory). */
  public ApiResponse delete(ApiRequest request) {
    int messages = ccs.sessions().delete(Queries.sessionId(request));
    return ApiResponse.json(200, WireFormat.success().put("deleted_messages", messages));
  }

  /** {@code PATCH /api/sessions/{id}/status} with {@code {status}}. */
  public ApiResponse setStatus(ApiRequest request) {
    UUID id = Queries.sessionId(request);
    ObjectNode body = request.jsonObject();
    String status = body.path("status").isTextual() ? body.get("status").asText() : null;
    SessionStatus newStatus = SessionStatus.fromWireName(status == null ? "" : status).orElseThrow(() ->
        new CcsException.InvalidRequest("Invalid status. Must be: active, archived, or closed"));
    BodyFields fields = new BodyFields(body);
    fields.optionalString("status");
    fields.rejectUnknown();
    Session session = ccs.sessions().setStatus(id, newStatus);
    return ApiResponse.json(200, WireFormat.success().set("session", SessionJson.toJson(session)));
  }

  /** {@code GET /api/sessions/{id}/stats}. */
  public ApiResponse stats(ApiRequest request) {
    Session session = ccs.sessions().get(Queries.sessionId(request));
    ObjectNode stats = Json.object();
    stats.put("id", session.id().toString());
    stats.put("created_at", session.createdAt().toString());
    stats.put("updated_at", session.updatedAt().toString());
    stats.put("messages_count", session.messagesCount());
    stats.put("total_cost_usd", session.totalCostUsd());
    stats.put("model", session.model());
    stats.put("project_path", session.projectPath());
    stats.put("status", session.status().wireName());
    BigDecimal left = session.budgetLeft(ccs.config().maxBudgetUsd());
    stats.put("max_budget_usd", session.budgetCap(ccs.config().maxBudgetUsd()));
    stats.put("budget_remaining_usd", left == null ? null : left.max(BigDecimal.ZERO));
    stats.put("cli_session_started", session.cliSessionStarted());
    stats.set("warm", warmView(session.id()));
    return ApiResponse.json(200, WireFormat.success().set("stats", stats));
  }

  /** {@code POST /api/sessions/{id}/continue}: one turn, answered when it ends ({@code stream: true} streams it). */
  public ApiResponse continueSession(ApiRequest request) {
    UUID id = Queries.sessionId(request);
    Turn turn = readTurn(request);
    if (turn.stream()) {
      return streams.start(id, turn.prompt(), turn.options());
    }
    MessageResult result = ccs.sessions().continueSession(id, turn.prompt(), turn.options());
    return ApiResponse.json(200, WireFormat.messageResult(result));
  }

  /** {@code POST /api/sessions/{id}/continue/stream}: one turn as server-sent events. */
  public ApiResponse continueStream(ApiRequest request) {
    UUID id = Queries.sessionId(request);
    Turn turn = readTurn(request);
    return streams.start(id, turn.prompt(), turn.options());
  }

  /** A turn's fields, in the Node server's order; {@code provider_id} runs it with that provider. */
  record Turn(String prompt, RunOptions options, boolean stream) {
  }

  static Turn readTurn(ApiRequest request) {
    BodyFields fields = new BodyFields(request.jsonObject());
    String prompt = fields.requiredString("prompt");
    RunOptions options = RunOptionsFields.audited(request, RunOptionsFields.read(fields));
    Boolean stream = fields.optionalBoolean("stream");
    String providerId = fields.optionalString("provider_id");
    options = options.toBuilder().providerId(providerId == null || providerId.isEmpty() ? null : providerId).build();
    fields.rejectUnknown();
    return new Turn(prompt, options, Boolean.TRUE.equals(stream));
  }

  /** {@code GET /api/sessions/{id}/messages?limit=&before_id=&after_id=&order=}. */
  public ApiResponse messages(ApiRequest request) {
    UUID id = Queries.sessionId(request);
    Queries.onlyKnown(request, Set.of("limit", "before_id", "after_id", "order"));
    String order = request.query().getOrDefault("order", "desc");
    if (!order.equals("asc") && !order.equals("desc")) {
      throw new CcsException.InvalidRequest("order must be asc or desc");
    }
    int limit;
    try {
      limit = Queries.limit(request, 20, 100);
    } catch (CcsException.InvalidRequest e) {
      throw new CcsException.InvalidRequest("limit must be between 1 and 100");
    }
    MessagePage page = ccs.sessions().messages(id, new MessageQuery(limit, blankToNull(request.query().get("before_id")),
        blankToNull(request.query().get("after_id")), order.equals("desc")));
    ObjectNode body = WireFormat.success();
    body.put("session_id", id.toString());
    ArrayNode list = body.putArray("messages");
    for (StoredMessage message : page.messages()) {
      list.add(SessionJson.toJson(message));
    }
    ObjectNode pagination = body.putObject("pagination");
    pagination.put("has_more", page.hasMore());
    pagination.put("first_id", page.firstId());
    pagination.put("last_id", page.lastId());
    pagination.put("total", page.total());
    body.put("count", page.messages().size());
    return ApiResponse.json(200, body);
  }

  private static String blankToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

}
