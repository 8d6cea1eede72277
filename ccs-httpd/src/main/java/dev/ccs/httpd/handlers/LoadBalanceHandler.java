package dev.ccs.httpd.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.balance.LoadBalancer;
import dev.ccs.core.balance.ProviderSettings;
import dev.ccs.core.balance.ProviderStatus;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.json.Json;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import dev.ccs.httpd.routing.BodyFields;
import dev.ccs.httpd.routing.ErrorMapping;
import java.time.Instant;
import java.util.Set;

/**
 * {@code /api/load-balance}: the providers' health, the sessions' bindings, the operator's reset,
 * enable and disable, and each provider's CLI settings, in the Node server's shapes (its camelCase
 * fields kept, ours added in snake_case). No answer carries a key, an env value or a base URL.
 */
public final class LoadBalanceHandler {

  private final Ccs ccs;

  public LoadBalanceHandler(Ccs ccs) {
    this.ccs = ccs;
  }

  /** {@code GET /api/load-balance/status}. */
  public ApiResponse status(ApiRequest request) {
    Queries.onlyKnown(request, Set.of());
    LoadBalancer balancer = ccs.balancer();
    ObjectNode body = WireFormat.success();
    ArrayNode providers;
    if (!balancer.configured()) {
      body.put("strategy", "none");
      body.put("failover", false);
      providers = body.putArray("providers");
      return ApiResponse.json(200, body);
    }
    body.put("strategy", balancer.config().strategy());
    body.put("failover", balancer.config().failover());
    body.put("failure_threshold", balancer.config().failureThreshold());
    body.put("binding_ttl_ms", balancer.config().bindingTtl().toMillis());
    body.put("recovery_timeout_s", balancer.config().recoveryTimeout().toSeconds());
    providers = body.putArray("providers");
    for (ProviderStatus p : balancer.status()) {
      ObjectNode node = providers.addObject();
      node.put("id", p.id());
      node.put("name", p.name());
      node.put("weight", p.weight());
      node.put("enabled", p.enabled());
      node.put("healthy", p.healthy());
      node.put("consecutiveFailures", p.consecutiveFailures());
      node.put("totalRequests", p.totalRequests());
      node.put("boundSessions", p.boundSessions());
      node.put("enabled_by", p.enabledBy());
      node.put("state", p.state().wireName());
      node.put("consecutive_failures", p.consecutiveFailures());
      node.put("total_requests", p.totalRequests());
      node.put("total_failures", p.totalFailures());
      node.put("bound_sessions", p.boundSessions());
      node.put("last_error", p.lastError());
      putInstant(node, "last_error_at", p.lastErrorAt());
      putInstant(node, "last_used_at", p.lastUsedAt());
      putInstant(node, "retry_at", p.retryAt());
      node.put("has_settings", ccs.providerSettings().fileOf(p.id()).isPresent());
    }
    return ApiResponse.json(200, body);
  }

  /** {@code GET /api/load-balance/bindings}: session id to provider id. */
  public ApiResponse bindings(ApiRequest request) {
    Queries.onlyKnown(request, Set.of());
    ObjectNode bindings = Json.object();
    ccs.balancer().bindings().forEach((session, provider) -> bindings.put(session.toString(), provider));
    ObjectNode body = WireFormat.success();
    body.set("bindings", bindings);
    body.put("count", bindings.size());
    return ApiResponse.json(200, body);
  }

  /** {@code POST /api/load-balance/providers/{id}/reset}: breaker closed, consecutive failures cleared. */
  public ApiResponse reset(ApiRequest request) {
    String id = provider(request);
    ccs.balancer().reset(id);
    return message("Provider " + id + " health reset");
  }

  /** {@code POST /api/load-balance/providers/{id}/enable}: kept across reloads and restarts. */
  public ApiResponse enable(ApiRequest request) {
    String id = provider(request);
    ccs.balancer().enable(id);
    return message("Provider " + id + " enabled");
  }

  /** {@code POST /api/load-balance/providers/{id}/disable}: kept across reloads and restarts. */
  public ApiResponse disable(ApiRequest request) {
    String id = provider(request);
    ccs.balancer().disable(id);
    return message("Provider " + id + " disabled");
  }

  /** {@code GET /api/load-balance/providers/{id}/settings}: secret-looking env values hidden. */
  public ApiResponse getSettings(ApiRequest request) {
    String id = provider(request);
    return ccs.providerSettings().get(id)
        .map(settings -> ApiResponse.json(200, WireFormat.success().set("settings", settings)))
        .orElseGet(() -> {
          ObjectNode body = ErrorMapping.errorBody("Provider settings not found", "settings_not_found");
          body.put("hint", "Create settings using PUT /api/load-balance/providers/" + id + "/settings");
          return ApiResponse.json(404, body);
        });
  }

  /** {@code PUT /api/load-balance/providers/{id}/settings} with {@code {"settings": {...}}}. */
  public ApiResponse putSettings(ApiRequest request) {
    String id = provider(request);
    if (!(request.jsonObject().get("settings") instanceof ObjectNode)) {
      throw new CcsException.InvalidRequest("Request body must contain \"settings\" object");
    }
    BodyFields fields = new BodyFields(request.jsonObject());
    ObjectNode settings = fields.optionalObject("settings");
    fields.rejectUnknown();
    var path = ccs.providerSettings().put(id, settings);
    return ApiResponse.json(200, WireFormat.success().put("message", "Provider " + id + " settings saved")
        .put("path", path.toString()));
  }

  /** {@code DELETE /api/load-balance/providers/{id}/settings}. */
  public ApiResponse deleteSettings(ApiRequest request) {
    String id = provider(request);
    if (!ccs.providerSettings().delete(id)) {
      throw new CcsException.NotFound("settings_not_found", "Provider settings not found");
    }
    return message("Provider " + id + " settings deleted");
  }

  /** {@code GET /api/load-balance/providers/{id}/settings/exists}. */
  public ApiResponse settingsExist(ApiRequest request) {
    String id = provider(request);
    return ApiResponse.json(200, WireFormat.success().put("exists", ccs.providerSettings().exists(id)));
  }

  /** {@code GET /api/load-balance/settings/list}. */
  public ApiResponse listSettings(ApiRequest request) {
    Queries.onlyKnown(request, Set.of());
    ProviderSettings settings = ccs.providerSettings();
    ObjectNode body = WireFormat.success();
    ArrayNode providers = Json.mapper().createArrayNode();
    for (String id : settings.list()) {
      providers.addObject().put("providerId", id).put("path", settings.file(id).toString());
    }
    body.put("count", providers.size());
    body.set("providers", providers);
    return ApiResponse.json(200, body);
  }

  /**
   * The {@code {id}} of the path: 400 when malformed (before any path is built from it), 404 when
   * no provider is configured or none has that id.
   */
  private String provider(ApiRequest request) {
    String id = request.pathParam("id");
    if (!ProviderConfig.validId(id)) {
      throw new CcsException.InvalidRequest("invalid_provider_id", "provider id must be 1-64 letters, digits, _ or -");
    }
    if (!ccs.balancer().configured()) {
      throw new CcsException.NotFound("load_balancing_not_configured", "Load balancing not configured");
    }
    if (ccs.balancer().status().stream().noneMatch(p -> p.id().equals(id))) {
      throw new CcsException.NotFound("provider_not_found", "Provider not found");
    }
    return id;
  }

  private static ApiResponse message(String message) {
    return ApiResponse.json(200, WireFormat.success().put("message", message));
  }

  private static void putInstant(ObjectNode node, String name, Instant value) {
    node.put(name, value == null ? null : value.toString());
  }
}
