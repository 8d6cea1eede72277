package dev.ccs.httpd.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Every answer carries {@code X-Request-Id}: the client's own when it is a safe token (so a caller
 * can follow its request through), else a new one; an error's JSON body carries it too, so that a
 * user can quote it.
 */
final class RequestIds {

  static final String HEADER = "X-Request-Id";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestIds() {
  }

  /** The client's id if it is safe to echo and log, else a new one. */
  static String of(String given) {
    if (given != null && SAFE.matcher(given).matches()) {
      return given;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "req_" + Long.toHexString(random.nextLong() | Long.MIN_VALUE)
        + Integer.toHexString(random.nextInt() | Integer.MIN_VALUE);
  }

  /** The response with the id in its headers and, for a JSON error, in its body. */
  static ApiResponse stamp(ApiResponse response, String id) {
    response.header(HEADER, id);
    byte[] body = response.body();
    String type = response.headers().getOrDefault("Content-Type", "");
    if (response.status() < 400 || body == null || !type.startsWith("application/json")) {
      return response;
    }
    try {
      JsonNode node = Json.mapper().readTree(body);
      if (node instanceof ObjectNode object) {
        object.put("request_id", id);
        ApiResponse stamped = ApiResponse.json(response.status(), object);
        response.headers().forEach(stamped::header);
        return stamped.afterSend(response::sent);
      }
    } catch (IOException e) {
      // Not JSON after all: the header alone says it.
    }
    return response;
  }

  /** An error answer's most precise reason: its {@code reason} (401s), else its {@code code}; or null. */
  static String errorCode(ApiResponse response) {
    byte[] body = response.body();
    if (response.status() < 400 || body == null
        || !response.headers().getOrDefault("Content-Type", "").startsWith("application/json")) {
      return null;
    }
    try {
      JsonNode node = Json.mapper().readTree(body);
      JsonNode reason = node.has("reason") ? node.get("reason") : node.get("code");
      return reason == null || !reason.isTextual() ? null : reason.asText();
    } catch (IOException e) {
      return null;
    }
  }
}
