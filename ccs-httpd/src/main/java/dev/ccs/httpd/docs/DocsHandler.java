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
      "favicon-16x16.png", "image/png",
      "oauth2-redirect.html", "text/html; charset=utf-8",
      "oauth2-redirect.js", "text/javascript; charset=utf-8");

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
        .header("Cache-Control", "no-cache");
  }

  public ApiResponse asset(ApiRequest request) {
    checkEnabled();
    String name = request.pathParam("asset");
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

  private void checkEnabled() {
    if (!enabled.getAsBoolean()) {
      throw new ApiError(404, "not_found", "Swagger Documentation is disabled", Map.of(),
          Map.of("message", "Swagger Documentation is disabled"));
    }
  }

  /**
   * Swagger UI pointed at this server's document. The page fetches the document itself: where it
   * answers 401 (authentication on, {@code security.swaggerDocs.public} off) the page asks for a
   * key, keeps it for the tab only (sessionStorage) and sends it as {@code X-API-Key} with the
   * document and with "Try it out" requests to this server, unless the Authorize dialog set one.
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
        <script>
          const KEY = "ccs.apiKey";
          const form = document.getElementById("ccs-key");
          const input = document.getElementById("ccs-key-input");

          function ownRequestWithoutCredential(request) {
            const sameOrigin = new URL(request.url, location.href).origin === location.origin;
            const credential = Object.keys(request.headers || {})
                .some((name) => /^(authorization|x-api-key)$/i.test(name));
            return sameOrigin && !credential;
          }

          function withKey(request) {
            const key = sessionStorage.getItem(KEY);
            if (key && ownRequestWithoutCredential(request)) {
              request.headers["X-API-Key"] = key;
            }
            return request;
          }

          async function open() {
            const key = sessionStorage.getItem(KEY);
            const answer = await fetch("/api-docs.json", { headers: key ? { "X-API-Key": key } : {} });
            if (answer.status === 401 || answer.status === 403) {
              const refusal = await answer.json().catch(() => ({}));
              sessionStorage.removeItem(KEY);
              document.getElementById("ccs-key-message").textContent = key
                  ? "That key was refused: " + (refusal.error || answer.status) + "."
                  : "This server asks for an API key before it shows its API. The key stays in this tab only.";
              form.hidden = false;
              input.focus();
              return;
            }
            if (!answer.ok) {
              document.getElementById("swagger-ui").textContent = "The API description could not be loaded: "
                  + answer.status;
              return;
            }
            form.hidden = true;
            window.ui = SwaggerUIBundle({
              spec: await answer.json(),
              dom_id: "#swagger-ui",
              deepLinking: true,
              presets: [SwaggerUIBundle.presets.apis],
              layout: "BaseLayout",
              validatorUrl: null,
              persistAuthorization: true,
              requestInterceptor: withKey
            });
          }

          form.addEventListener("submit", (event) => {
            event.preventDefault();
            sessionStorage.setItem(KEY, input.value.trim());
            input.value = "";
            open();
          });
          window.onload = open;
        </script>
      </body>
      </html>
      """;
}
