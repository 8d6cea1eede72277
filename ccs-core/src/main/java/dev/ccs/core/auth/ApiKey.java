package dev.ccs.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * A named API key as stored: never the key, only its SHA-256 {@code hash}.
 *
 * @param id public id ({@code key_} and 16 hex digits), what lists and revocation use
 * @param name unique name given at creation
 * @param hash lower-case hex SHA-256 of the key
 * @param hint the key's first characters, so that an operator can tell keys apart
 * @param createdAt when it was created
 * @param expiresAt when it stops working, or null for never
 * @param lastUsedAt when it last authenticated a request (to the minute), or null
 * @param scopes what it may do; empty means everything
 */
public record ApiKey(String id, String name, String hash, String hint, Instant createdAt, Instant expiresAt,
    Instant lastUsedAt, Set<Scope> scopes) {

  public ApiKey {
    scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
  }

  public boolean expired(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  ApiKey usedAt(Instant when) {
    return new ApiKey(id, name, hash, hint, createdAt, expiresAt, when, scopes);
  }

  Caller caller() {
    return new Caller(id, name, scopes);
  }

  /** The stored form (with the hash). */
  public ObjectNode toJson() {
    ObjectNode node = publicJson();
    node.put("hash", hash);
    return node;
  }

  /** What the API shows: everything but the hash. */
  public ObjectNode publicJson() {
    ObjectNode node = Json.object();
    node.put("id", id);
    node.put("name", name);
    node.put("hint", hint);
    node.put("created_at", createdAt.toString());
    node.put("expires_at", expiresAt == null ? null : expiresAt.toString());
    node.put("last_used_at", lastUsedAt == null ? null : lastUsedAt.toString());
    var array = node.putArray("scopes");
    new TreeSet<>(scopes).forEach(scope -> array.add(scope.wireName()));
    return node;
  }

  /**
   * Reads the stored form.
   *
   * @throws IllegalArgumentException for a malformed record
   */
  public static ApiKey fromJson(JsonNode node) {
    String hash = node.path("hash").asText("");
    if (!hash.matches("[0-9a-f]{64}") || !node.path("id").isTextual() || !node.path("name").isTextual()) {
      throw new IllegalArgumentException("malformed key record " + node.path("id"));
    }
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (JsonNode scope : node.path("scopes")) {
      scopes.add(Scope.of(scope.asText()));
    }
    return new ApiKey(node.get("id").asText(), node.get("name").asText(), hash, node.path("hint").asText(""),
        Instant.parse(node.path("created_at").asText()), instant(node.get("expires_at")),
        instant(node.get("last_used_at")), scopes);
  }

  private static Instant instant(JsonNode node) {
    return node == null || node.isNull() ? null : Instant.parse(node.asText());
  }
}
