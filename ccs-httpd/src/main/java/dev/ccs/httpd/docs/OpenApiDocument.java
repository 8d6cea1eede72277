package dev.ccs.httpd.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import dev.ccs.httpd.routing.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.0 document of the server, built from the router's routes, so that it lists exactly
 * the routes that exist, with their path parameters, body limits, the scope each needs and the
 * error answers every route can give. What a route's body and answer look like comes from
 * {@code operations.json} beside this class; a route without an entry there, or an entry without a
 * route, is an error found by the tests, not a silent gap.
 */
public final class OpenApiDocument {

  private static final Pattern PARAM = Pattern.compile("\\{(\\*?)([a-zA-Z_][a-zA-Z0-9_]*)}");
  private static final Map<Integer, String> ERRORS = new TreeMap<>(Map.of(
      400, "The request is malformed or a field is invalid",
      401, "No API key, or not a valid one (when authentication is on)",
      403, "The key lacks the scope, or the server's policy refuses what was asked",
      404, "Not found",
      413, "The body is larger than this route takes",
      429, "Rate limited: wait Retry-After seconds",
      503, "Busy or stopping: try again after Retry-After seconds"));

  private OpenApiDocument() {
  }

  /** The descriptions of {@code operations.json}: "METHOD pattern" → description. */
  public static ObjectNode descriptions() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream("operations.json")) {
      if (in == null) {
        throw new IllegalStateException("operations.json is missing from the jar");
      }
      return (ObjectNode) Json.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document for {@code routes}. */
  public static ObjectNode build(List<Router.Route> routes, String version) {
    ObjectNode descriptions = descriptions();
    JsonNode operations = descriptions.path("operations");
    ObjectNode doc = Json.object();
    doc.put("openapi", "3.0.3");
    ObjectNode info = doc.putObject("info");
    info.put("title", "ccs: Claude Code Server");
    info.put("version", version);
    info.put("description", "Runs the Claude Code CLI for HTTP clients. The Node server's API, plus what ccs adds. "
        + "Authentication: when security.auth.enabled is true, send an API key as Authorization: Bearer ccs_ak_... "
        + "or X-API-Key. Routes marked with a scope need a key holding it (read < run < admin).");
    doc.putArray("servers").addObject().put("url", "/");
    ObjectNode components = doc.putObject("components");
    ObjectNode schemas = components.putObject("schemas");
    schemas.setAll((ObjectNode) descriptions.path("schemas"));
    ObjectNode security = components.putObject("securitySchemes");
    security.putObject("bearer").put("type", "http").put("scheme", "bearer")
        .put("description", "Authorization: Bearer ccs_ak_...");
    security.putObject("apiKey").put("type", "apiKey").put("in", "header").put("name", "X-API-Key");
    ArrayNode globalSecurity = doc.putArray("security");
    globalSecurity.addObject().putArray("bearer");
    globalSecurity.addObject().putArray("apiKey");
    ObjectNode paths = doc.putObject("paths");
    Set<String> tags = new LinkedHashSet<>();
    for (Router.Route route : routes) {
      String key = route.method() + " " + route.pattern();
      JsonNode described = operations.get(key);
      if (described == null) {
        throw new IllegalStateException("route " + key + " has no entry in operations.json");
      }
      String path = PARAM.matcher(route.pattern()).replaceAll("{$2}");
      ObjectNode item = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
      ObjectNode operation = item.putObject(route.method().toLowerCase(java.util.Locale.ROOT));
      operation(operation, route, described);
      tags.add(described.path("tag").asText("other"));
    }
    ArrayNode tagList = doc.putArray("tags");
    tags.forEach(tag -> tagList.addObject().put("name", tag));
    return doc;
  }

  private static void operation(ObjectNode operation, Router.Route route, JsonNode described) {
    operation.putArray("tags").add(described.path("tag").asText("other"));
    operation.put("summary", described.path("summary").asText());
    operation.put("operationId", operationId(route));
    operation.put("x-required-scope", route.scope().wireName());
    if (!route.pattern().startsWith("/api/")) {
      // Outside /api/: public unless the config says otherwise (health, metrics, these docs).
      ArrayNode optional = operation.putArray("security");
      optional.addObject();
      optional.addObject().putArray("bearer");
      optional.addObject().putArray("apiKey");
    }
    ArrayNode parameters = operation.putArray("parameters");
    Matcher m = PARAM.matcher(route.pattern());
    while (m.find()) {
      ObjectNode parameter = parameters.addObject();
      parameter.put("name", m.group(2));
      parameter.put("in", "path");
      parameter.put("required", true);
      parameter.putObject("schema").put("type", "string");
      if (!m.group(1).isEmpty()) {
        parameter.put("description", "The rest of the path (may contain /)");
      }
    }
    if (described.has("request")) {
      ObjectNode body = operation.putObject("requestBody");
      body.put("required", true);
      body.put("description", "At most " + route.maxBodyBytes() + " bytes");
      body.putObject("content").putObject("application/json").set("schema", described.get("request"));
    }
    ObjectNode responses = operation.putObject("responses");
    int status = described.path("status").asInt(200);
    ObjectNode ok = responses.putObject(Integer.toString(status));
    ok.put("description", "Success");
    String produces = described.path("produces").asText("application/json");
    JsonNode schema = described.has("response") ? described.get("response")
        : produces.equals("application/json") ? Json.object().put("$ref", "#/components/schemas/Success")
        : Json.object().put("type", "string");
    ok.putObject("content").putObject(produces).set("schema", schema);
    for (Map.Entry<Integer, String> error : ERRORS.entrySet()) {
      if (error.getKey() == 413 && !described.has("request")) {
        continue;
      }
      ObjectNode answer = responses.putObject(Integer.toString(error.getKey()));
      answer.put("description", error.getValue());
      answer.putObject("content").putObject("application/json").putObject("schema")
          .put("$ref", "#/components/schemas/Error");
    }
  }

  private static String operationId(Router.Route route) {
    StringBuilder id = new StringBuilder(route.method().toLowerCase(java.util.Locale.ROOT));
    for (String part : route.pattern().split("[/{}*.-]+")) {
      if (!part.isEmpty()) {
        id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return id.toString();
  }
}
