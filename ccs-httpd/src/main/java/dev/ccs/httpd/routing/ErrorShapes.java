package dev.ccs.httpd.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.io.IOException;

/**
 * Errors in the shape of the API a path belongs to, so that each face's clients can read them:
 * OpenAI's {@code {"error": {message, type, param, code}}} under {@code /v1/}, Anthropic's
 * {@code {"type": "error", "error": {type, message}}} for {@code /v1/messages}; ccs's own
 * ({@code {success: false, error, code}}) everywhere else. Every refusal (authentication, rate
 * limits, bad input, a failed run) goes through here, whoever raised it.
 */
final class ErrorShapes {

  private ErrorShapes() {
  }

  static ApiResponse translate(String path, ApiResponse response) {
    if (response.status() < 400 || response.body() == null || !path.startsWith("/v1/")) {
      return response;
    }
    JsonNode ours;
    try {
      ours = Json.mapper().readTree(response.body());
    } catch (IOException e) {
      return response;
    }
    String message = ours.path("error").asText("HTTP " + response.status());
    String code = ours.path("code").asText(null);
    ObjectNode body = Json.object();
    if (path.equals("/v1/messages") || path.startsWith("/v1/messages/")) {
      body.put("type", "error");
      body.putObject("error").put("type", anthropicType(response.status())).put("message", message);
    } else {
      ObjectNode error = body.putObject("error").put("message", message).put("type", openAiType(response.status()));
      error.putNull("param");
      error.put("code", code);
    }
    ApiResponse translated = ApiResponse.json(response.status(), body);
    response.headers().forEach((name, value) -> {
      if (!name.equalsIgnoreCase("Content-Type")) {
        translated.header(name, value);
      }
    });
    return translated.afterSend(response::sent);
  }

  static String openAiType(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 429 -> "rate_limit_error";
      default -> status >= 500 ? "server_error" : "invalid_request_error";
    };
  }

  static String anthropicType(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503, 529 -> "overloaded_error";
      default -> status >= 500 ? "api_error" : "invalid_request_error";
    };
  }
}
