package dev.ccs.httpd.routing;

/** An HTTP-level refusal (not found, method not allowed, body too large, bad JSON) with its status. */
public final class ApiError extends RuntimeException {

  private final int status;
  private final String code;
  private final java.util.Map<String, String> headers;

  public ApiError(int status, String code, String message) {
    this(status, code, message, java.util.Map.of());
  }

  public ApiError(int status, String code, String message, java.util.Map<String, String> headers) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = java.util.Map.copyOf(headers);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public java.util.Map<String, String> headers() {
    return headers;
  }
}
