package dev.ccs.httpd.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP request as handlers see it: no {@code HttpExchange}, so handlers are plain functions of
 * requests that tests can call without a socket. The raw body is dropped once it has been parsed:
 * a synchronous turn holds its request for minutes, and needs the prompt, not its bytes.
 */
public final class ApiRequest {

  private final String method;
  private final String path;
  private final Map<String, String> pathParams;
  private final Map<String, String> query;
  private final Map<String, List<String>> headers;
  private final List<String> auditNotes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile java.util.function.Predicate<dev.ccs.core.auth.Scope> caller = scope -> true;
  // Guarded by this.
  private byte[] body;
  private ObjectNode json;

  /**
   * @param method upper-case method
   * @param path the raw path
   * @param pathParams values of the route's {@code {name}} segments
   * @param query decoded query parameters, first value of each
   * @param headers header names in lower case, all values
   * @param body the raw body (empty when there is none)
   */
  public ApiRequest(String method, String path, Map<String, String> pathParams, Map<String, String> query,
      Map<String, List<String>> headers, byte[] body) {
    this.method = method;
    this.path = path;
    this.pathParams = Map.copyOf(pathParams);
    this.query = Map.copyOf(query);
    this.headers = Map.copyOf(headers);
    this.body = body;
  }

  /** Whether the request's caller holds {@code scope} (always, with authentication off). */
  public boolean callerMay(dev.ccs.core.auth.Scope scope) {
    return caller.test(scope);
  }

  void caller(java.util.function.Predicate<dev.ccs.core.auth.Scope> may) {
    this.caller = may;
  }

  /** Notes a security-relevant choice the request made (a permission escalation) for the audit log. */
  public void auditNote(String note) {
    auditEvent("permission_escalation", note);
  }

  /**
   * Notes an event for the audit log, written if the request succeeds ({@code key_created},
   * {@code key_revoked}, {@code config_reloaded}) with {@code detail} (never a secret).
   */
  public void auditEvent(String event, String detail) {
    auditNotes.add(event + ":" + detail);
  }

  /** What {@link #auditNote} and {@link #auditEvent} noted, each as {@code event:detail}. */
  public List<String> auditNotes() {
    return List.copyOf(auditNotes);
  }

  public String method() {
    return method;
  }

  public String path() {
    return path;
  }

  public Map<String, String> pathParams() {
    return pathParams;
  }

  public Map<String, String> query() {
    return query;
  }

  public Map<String, List<String>> headers() {
    return headers;
  }

  public String pathParam(String name) {
    return pathParams.get(name);
  }

  /** The first value of a header (name case-insensitive), or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /**
   * The body as a JSON object (parsed once): a missing body is an empty object (as in the Node
   * server, so that validation then names the missing fields).
   *
   * @throws ApiError 415 for a body that is not declared as JSON, 400 for malformed JSON, a value
   *     over the parser's limits or a non-object, 413 for a string too long
   */
  public synchronized ObjectNode jsonObject() {
    if (json != null) {
      return json;
    }
    if (body.length == 0) {
      json = Json.object();
      return json;
    }
    String contentType = header("content-type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiError(415, "unsupported_media_type",
          "Content-Type must be application/json (was " + (contentType == null ? "missing" : contentType) + ")");
    }
    JsonNode node = JsonBody.parse(body);
    if (!(node instanceof ObjectNode object)) {
      throw new ApiError(400, "invalid_request", "Request body must be a JSON object");
    }
    json = object;
    body = new byte[0];
    return json;
  }
}
