package dev.ccs.httpd.docs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import dev.ccs.httpd.routing.ApiError;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /api-docs.json} (the OpenAPI document) and {@code /api-docs} (Swagger UI, from the
 * {@code org.webjars:swagger-ui} jar: no internet needed). {@code security.swaggerDocs.enabled} is
 * read per request, so a config reload switches both on or off.
 */
public final class DocsHandler {

  /** Swagger UI's version, as in the pom. */
  static final String SWAGGER_UI = "5.34.1";
  private static final String WEBJAR = "/META-INF/resources/webjars/swagger-ui/" + SWAGGER_UI + "/";
  /** The files the page uses; nothing else of the jar is served. */
  private static final Map<String, String> ASSETS = Map.of(
      "swagger-ui.css", "text/css; charset=utf-8",
      "index.css", "text/css; charset=utf-8",
      "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
      "favicon-32x32.png", "image/png",
      "favicon-16x16.png", "image/png");

  /** The page's own script, beside this class in the jar. */
  private static final String OWN_SCRIPT = "ccs-docs.js";
  /**
   * Scripts from this server only, none inline: a page into which a reader types an API key must
   * run nothing injected. Swagger UI sets inline styles and draws some images as data: URLs.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; "
      + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
      + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final BooleanSupplier enabled;
  private final Supplier<ObjectNode> document;
  private volatile byte[] documentBytes;

  /**
   * @param enabled whether the docs are served now
   * @param document builds the OpenAPI document (once, on first use: the routes do not change)
   */
  public DocsHandler(BooleanSupplier enabled, Supplier<ObjectNode> document) {
    this.enabled = enabled;
    this.document = document;
  }

  public ApiResponse json(ApiRequest request) {
    checkEnabled();
    byte[] bytes = documentBytes;
    if (bytes == null) {
      bytes = Json.writeBytes(document.get());
      documentBytes = bytes;
    }
    return ApiResponse.bytes(200, "application/json; charset=utf-8", bytes);
  }

  public ApiResponse page(ApiRequest request) {
    checkEnabled();
    return ApiResponse.bytes(200, "text/html; charset=utf-8", PAGE.getBytes(StandardCharsets.UTF_8))
        .header("Cache-Control", "no-cache")
        .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .header("X-Frame-Options", "DENY")
        .header("Referrer-Policy", "no-referrer")
        .header("X-Content-Type-Options", "nosniff");
  }

  public ApiResponse asset(ApiRequest request) {
    checkEnabled();
    String name = request.pathParam("asset");
    if (name.equals(OWN_SCRIPT)) {
      return ApiResponse.bytes(200, "text/javascript; charset=utf-8", ownScript())
          .header("Cache-Control", "no-cache")
          .header("X-Content-Type-Options", "nosniff");
    }
    String type = ASSETS.get(name);
    if (type == null) {
      throw new ApiError(404, "not_found", "Not found: /api-docs/" + name);
    }
    try (InputStream in = DocsHandler.class.getResourceAsStream(WEBJAR + name)) {
      if (in == null) {
        throw new ApiError(404, "not_found", "Not found: /api-docs/" + name);
      }
      return ApiResponse.bytes(200, type, in.readAllBytes())
          .header("Cache-Control", "public, max-age=86400")
          .header("X-Content-Type-Options", "nosniff");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] ownScript() {
    try (InputStream in = DocsHandler.class.getResourceAsStream(OWN_SCRIPT)) {
      if (in == null) {
        throw new IllegalStateException(OWN_SCRIPT + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void checkEnabled() {
    if (!enabled.getAsBoolean()) {
      throw new ApiError(404, "not_found", "Swagger Documentation is disabled", Map.of(),
          Map.of("message", "Swagger Documentation is disabled"));
    }
  }

  /**
   * Swagger UI pointed at this server's document by its own script ({@code ccs-docs.js}), which
   * fetches the document, and where it answers 401 (authentication on,
   * {@code security.swaggerDocs.public} off) shows the form below to ask for a key.
   */
  private static final String PAGE = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
        <meta charset="UTF-8">
        <title>ccs API</title>
        <link rel="stylesheet" type="text/css" href="/api-docs/swagger-ui.css">
        <link rel="stylesheet" type="text/css" href="/api-docs/index.css">
        <link rel="icon" type="image/png" href="/api-docs/favicon-32x32.png" sizes="32x32">
        <style>
          #ccs-key { font-family: sans-serif; max-width: 46em; margin: 3em auto; }
          #ccs-key input { width: 30em; padding: .4em; font-family: monospace; }
          #ccs-key button { padding: .4em 1em; }
        </style>
      </head>
      <body>
        <form id="ccs-key" hidden>
          <p id="ccs-key-message"></p>
          <label>API key <input id="ccs-key-input" type="password" autocomplete="off" placeholder="ccs_ak_..."></label>
          <button id="ccs-key-open" type="submit">Open</button>
        </form>
        <div id="swagger-ui"></div>
        <script src="/api-docs/swagger-ui-bundle.js" charset="UTF-8"></script>
        <script src="/api-docs/ccs-docs.js" charset="UTF-8"></script>
      </body>
      </html>
      """;
}
