package dev.ccs.httpd.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.error.StoreException;
import dev.ccs.core.exec.RunFailedException;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.json.Json;

/**
 * The one table from refusals to HTTP statuses. Every error body has the Node server's envelope
 * {@code {"success": false, "error": "..."}} plus a machine-readable {@code code}.
 */
public final class ErrorMapping {

  private ErrorMapping() {
  }

  public static int status(CcsException e) {
    if (e instanceof RunFailedException failed) {
      return failed.timedOut() ? 504 : 502;
    }
    if (e instanceof CcsException.TooManyRequests) {
      return 429;
    }
    if (e instanceof CcsException.Overloaded) {
      return 503;
    }
    if (e instanceof CcsException.PayloadTooLarge) {
      return 413;
    }
    if (e instanceof CcsException.InvalidRequest) {
      return 400;
    }
    if (e instanceof CcsException.Forbidden) {
      return 403;
    }
    if (e instanceof CcsException.NotFound) {
      return 404;
    }
    if (e instanceof CcsException.Conflict) {
      return 409;
    }
    if (e instanceof CcsException.BudgetExceeded) {
      return 402;
    }
    if (e instanceof CcsException.CliUnavailable || e instanceof CcsException.Unavailable) {
      return 503;
    }
    return 500;
  }

  public static ApiResponse toResponse(CcsException e) {
    ObjectNode body = errorBody(e.getMessage(), e.code());
    if (e instanceof RunFailedException failed) {
      RunOutcome outcome = failed.outcome();
      if (failed.sessionId() != null) {
        body.put("session_id", failed.sessionId());
      }
      body.put("cost_usd", failed.costUsd());
      ObjectNode details = body.putObject("details");
      details.put("status", outcome.status().name().toLowerCase(java.util.Locale.ROOT));
      if (outcome.exitCode() != null) {
        details.put("exit_code", outcome.exitCode());
      }
      if (outcome.result() != null) {
        details.put("subtype", outcome.result().subtype());
        details.put("terminal_reason", outcome.result().terminalReason());
        if (outcome.result().apiErrorStatus() != null) {
          details.put("api_error_status", outcome.result().apiErrorStatus());
        }
        details.put("num_turns", outcome.result().numTurns());
      }
      details.put("duration_ms", outcome.duration().toMillis());
    }
    ApiResponse response = ApiResponse.json(status(e), body);
    if (e instanceof CcsException.RetryLater later) {
      body.put("retry_after_ms", later.retryAfter().toMillis());
      response = ApiResponse.json(status(e), body).header("Retry-After", retryAfterSeconds(later.retryAfter()));
    } else if (e instanceof CcsException.Unavailable) {
      response.header("Retry-After", "5");
    }
    return response;
  }

  /**
   * 503 {@code storage_unavailable} with {@code Retry-After}: the data directory refused a write
   * (disk full, say). The operating system's reason is given, never the server's file paths.
   */
  public static ApiResponse toResponse(StoreException e) {
    Throwable cause = e.getCause();
    String reason = cause instanceof java.nio.file.FileSystemException fs && fs.getReason() != null ? fs.getReason()
        : cause != null && cause.getMessage() != null ? cause.getMessage() : "storage error";
    return ApiResponse.json(503, errorBody("The server could not store this request's result: " + reason
        + ". Nothing of it was acknowledged; retry once the server's storage is available again.",
        "storage_unavailable")).header("Retry-After", "30");
  }

  /** Whole seconds, rounded up, at least 1 (what {@code Retry-After} can say). */
  public static String retryAfterSeconds(java.time.Duration wait) {
    long millis = Math.max(1, wait.toMillis());
    return Long.toString((millis + 999) / 1000);
  }

  public static ApiResponse toResponse(ApiError e) {
    ObjectNode body = errorBody(e.getMessage(), e.code());
    e.fields().forEach((name, value) -> body.set(name, Json.mapper().valueToTree(value)));
    ApiResponse response = ApiResponse.json(e.status(), body);
    e.headers().forEach(response::header);
    return response;
  }

  public static ObjectNode errorBody(String message, String code) {
    ObjectNode body = Json.object();
    body.put("success", false);
    body.put("error", message);
    body.put("code", code);
    return body;
  }
}
