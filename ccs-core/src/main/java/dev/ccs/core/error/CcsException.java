package dev.ccs.core.error;

import java.time.Duration;
import java.util.Objects;

/**
 * A request ccs refuses or could not carry out. Each subclass names one kind of refusal and carries
 * a stable machine-readable {@link #code()}; the HTTP front end maps the kinds to status codes in
 * one table.
 */
public class CcsException extends RuntimeException {

  private final String code;

  public CcsException(String code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public CcsException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** A short snake_case word for programs: {@code invalid_request}, {@code not_found}, ... */
  public String code() {
    return code;
  }

  /** Bad input: a missing or malformed field. */
  public static class InvalidRequest extends CcsException {
    public InvalidRequest(String message) {
      super("invalid_request", message);
    }

    public InvalidRequest(String code, String message) {
      super(code, message);
    }
  }

  /** The request is well-formed but not allowed by this server's configuration. */
  public static class Forbidden extends CcsException {
    public Forbidden(String code, String message) {
      super(code, message);
    }
  }

  /** A working directory outside the allowed project roots. */
  public static final class PathNotAllowed extends Forbidden {
    public PathNotAllowed(String message) {
      super("path_not_allowed", message);
    }
  }

  /** No such session, task, stream, ... */
  public static class NotFound extends CcsException {
    public NotFound(String message) {
      super("not_found", message);
    }

    public NotFound(String code, String message) {
      super(code, message);
    }
  }

  /** The target exists but is in a state that does not allow the request. */
  public static class Conflict extends CcsException {
    public Conflict(String code, String message) {
      super(code, message);
    }
  }

  /** Spending would go past a budget; nothing was started. */
  public static final class BudgetExceeded extends CcsException {
    public BudgetExceeded(String message) {
      super("budget_exceeded", message);
    }
  }

  /** The {@code claude} CLI cannot be run (not installed, not executable). */
  public static final class CliUnavailable extends CcsException {
    public CliUnavailable(String message) {
      super("cli_unavailable", message);
    }
  }

  /** Part of a request is larger than its limit; nothing was stored or started. */
  public static final class PayloadTooLarge extends CcsException {
    public PayloadTooLarge(String message) {
      super("payload_too_large", message);
    }
  }

  /**
   * Not now: the request is fine but the server will not take it at this moment; the same request
   * may succeed after {@link #retryAfter()}.
   */
  public abstract static class RetryLater extends CcsException {
    private final Duration retryAfter;

    protected RetryLater(String code, String message, Duration retryAfter) {
      super(code, message);
      this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** When the client may try again. */
    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /**
   * The server is at one of its bounds (runs at once, waiting work, open streams): it refuses at
   * once rather than queue without limit.
   */
  public static final class Overloaded extends RetryLater {
    public Overloaded(String code, String message, Duration retryAfter) {
      super(code, message, retryAfter);
    }
  }

  /** The client is over its own share (turns waiting in one session), while others are served. */
  public static final class TooManyRequests extends RetryLater {
    public TooManyRequests(String code, String message, Duration retryAfter) {
      super(code, message, retryAfter);
    }
  }

  /** The server is stopping (or the run was cancelled under the request). */
  public static final class Unavailable extends CcsException {
    public Unavailable(String message) {
      super("unavailable", message);
    }
  }
}
