package dev.ccs.httpd.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.internal.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP request as handlers see it: no {@code HttpExchange}, so handlers are plain functions of
 * records that tests can call without a socket.
 *
 * @param method upper-case method
 * @param path decoded path
 * @param pathParams values of the route's {@code {name}} segments
 * @param query decoded query parameters, first value of each
 * @param headers header names in lower case, all values
 * @param body the raw body (empty when there is none)
 */
public record ApiRequest(String method, String path, Map<String, String> pathParams, Map<String, String> query,
    Map<String, List<String>> headers, byte[] body) {

  public ApiRequest {
    pathParams = Map.copyOf(pathParams);
    query = Map.copyOf(query);
    headers = Map.copyOf(headers);
  }

  public ApiRequest withPathParams(Map<String, String> params) {
    return new ApiRequest(method, path, params, query, headers, body);
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
   * The body as a JSON object: a missing body is an empty object (as in the Node server, so that
   * validation then names the missing fields).
   *
   * @throws ApiError 415 for a body that is not declared as JSON, 400 for malformed JSON, a value
   *     over the parser's limits or a non-object, 413 for a string too long
   */
  public ObjectNode jsonObject() {
    if (body.length == 0) {
      return Json.object();
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
    return object;
  }
}
