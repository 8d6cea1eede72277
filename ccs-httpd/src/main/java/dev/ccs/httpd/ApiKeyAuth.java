package dev.ccs.httpd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.config.AuthConfig;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import dev.ccs.httpd.routing.ErrorMapping;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Node server's API-key check: {@code Authorization: Bearer ccs_ak_<hex>}, where the key is
 * HMAC-SHA256 of {@code "claude-code-server-api-key"} under {@code security.auth.secretKey}, so keys
 * issued for the Node server keep working. Compared in constant time.
 */
public final class ApiKeyAuth implements Function<ApiRequest, ApiResponse> {

  private static final String HINT = "Use: Authorization: Bearer ccs_ak_<your-api-key>";

  private final AuthConfig config;
  private final byte[] expected;

  public ApiKeyAuth(AuthConfig config) {
    this.config = config;
    this.expected = config.enabled() ? apiKey(config.secretKey()).getBytes(StandardCharsets.US_ASCII) : null;
  }

  /** The API key derived from {@code secretKey}. */
  public static String apiKey(String secretKey) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "ccs_ak_" + HexFormat.of().formatHex(mac.doFinal("claude-code-server-api-key".getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Null to let the request through, else the 401 to send. */
  @Override
  public ApiResponse apply(ApiRequest request) {
    if (!config.enabled()) {
      return null;
    }
    if (config.bypassHealthCheck() && request.path().equals("/health")) {
      return null;
    }
    if (config.bypassMetrics() && request.path().equals("/metrics")) {
      return null;
    }
    String header = request.header("authorization");
    if (header == null) {
      return unauthorized("Missing Authorization header", "missing_header", HINT);
    }
    if (!header.startsWith("Bearer ")) {
      return unauthorized("Invalid Authorization format", "invalid_format", HINT);
    }
    String token = header.substring(7).trim();
    if (!token.startsWith("ccs_ak_")) {
      return unauthorized("Invalid API Key format", "invalid_format", "API key must start with \"ccs_ak_\"");
    }
    if (!MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.US_ASCII))) {
      return unauthorized("Invalid API Key", "invalid_api_key", null);
    }
    return null;
  }

  private static ApiResponse unauthorized(String message, String code, String hint) {
    ObjectNode body = ErrorMapping.errorBody(message, "unauthorized");
    body.put("reason", code);
    if (hint != null) {
      body.put("hint", hint);
    }
    return ApiResponse.json(401, body).header("WWW-Authenticate", "Bearer");
  }
}
