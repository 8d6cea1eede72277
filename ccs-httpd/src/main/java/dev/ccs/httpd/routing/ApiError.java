package dev.ccs.httpd.routing;

import java.util.Map;

/** An HTTP-level refusal (not found, method not allowed, body too large, bad JSON) with its status. */
public final class ApiError extends RuntimeException {

  private final int status;
  private final String code;
  private final Map<String, String> headers;
  private final Map<String, Object> fields;

  public ApiError(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  public ApiError(int status, String code, String message, Map<String, String> headers) {
    this(status, code, message, headers, Map.of());
  }

  /**
   * @param headers headers of the answer
   * @param fields further fields of the JSON error body ({@code hint}, {@code reason})
   */
  public ApiError(int status, String code, String message, Map<String, String> headers, Map<String, Object> fields) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = Map.copyOf(headers);
    this.fields = new java.util.LinkedHashMap<>(fields);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** Fields the error body carries beside {@code success}, {@code error} and {@code code}. */
  public Map<String, Object> fields() {
    return java.util.Collections.unmodifiableMap(fields);
  }
}
