package dev.ccs.httpd.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.auth.ApiKey;
import dev.ccs.core.auth.ApiKeys;
import dev.ccs.core.auth.Scope;
import dev.ccs.core.error.CcsException;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import dev.ccs.httpd.routing.BodyFields;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/keys} (admin scope): create a named key (its secret is in this one answer only), list
 * the keys (never a secret or a hash), show one, revoke one. The audit log records creations and
 * revocations with the key's name and id.
 */
public final class KeysHandler {

  private final ApiKeys keys;
  private final Clock clock;

  public KeysHandler(ApiKeys keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
  }

  /** {@code GET /api/keys}. */
  public ApiResponse list(ApiRequest request) {
    Queries.onlyKnown(request, Set.of());
    ObjectNode body = WireFormat.success();
    ArrayNode array = body.putArray("keys");
    List<ApiKey> all = keys.list();
    all.forEach(key -> array.add(key.publicJson()));
    body.put("count", all.size());
    return ApiResponse.json(200, body);
  }

  /** {@code GET /api/keys/{id}}: by id or name. */
  public ApiResponse get(ApiRequest request) {
    Queries.onlyKnown(request, Set.of());
    ApiKey key = keys.find(request.pathParam("id"))
        .orElseThrow(() -> new CcsException.NotFound("key_not_found", "API key not found"));
    ObjectNode body = WireFormat.success();
    body.set("key", key.publicJson());
    return ApiResponse.json(200, body);
  }

  /**
   * {@code POST /api/keys} {@code {name, scopes?: ["read"|"run"|"admin"], expires_at?: ISO instant,
   * expires_in_days?: n}}: 201 with {@code api_key}, the secret, shown this once.
   */
  public ApiResponse create(ApiRequest request) {
    BodyFields fields = new BodyFields(request.jsonObject());
    String name = fields.requiredString("name");
    List<String> scopeNames = fields.optionalStringArray("scopes");
    String expiresAt = fields.optionalString("expires_at");
    Integer days = fields.optionalInteger("expires_in_days", 1, 36_500);
    fields.rejectUnknown();
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    if (scopeNames != null) {
      for (String scope : scopeNames) {
        try {
          scopes.add(Scope.of(scope));
        } catch (IllegalArgumentException e) {
          throw new CcsException.InvalidRequest("\"scopes\" " + e.getMessage());
        }
      }
    }
    if (expiresAt != null && days != null) {
      throw new CcsException.InvalidRequest("\"expires_at\" and \"expires_in_days\" cannot both be given");
    }
    Instant expiry = null;
    if (expiresAt != null) {
      try {
        expiry = Instant.parse(expiresAt);
      } catch (DateTimeParseException e) {
        throw new CcsException.InvalidRequest("\"expires_at\" must be an ISO-8601 instant such as 2027-01-31T00:00:00Z");
      }
    } else if (days != null) {
      expiry = clock.instant().plus(Duration.ofDays(days));
    }
    ApiKeys.CreatedKey created = keys.create(name, scopes, expiry);
    request.auditEvent("key_created", created.key().id() + " " + created.key().name());
    ObjectNode body = WireFormat.success();
    body.put("api_key", created.secret());
    body.put("message", "Store this key now: it is not shown again");
    body.set("key", created.key().publicJson());
    return ApiResponse.json(201, body);
  }

  /** {@code DELETE /api/keys/{id}}: by id or name; refused from the next request on. */
  public ApiResponse revoke(ApiRequest request) {
    Queries.onlyKnown(request, Set.of());
    ApiKey key = keys.revoke(request.pathParam("id"))
        .orElseThrow(() -> new CcsException.NotFound("key_not_found", "API key not found"));
    request.auditEvent("key_revoked", key.id() + " " + key.name());
    ObjectNode body = WireFormat.success();
    body.set("revoked", key.publicJson());
    return ApiResponse.json(200, body);
  }
}
