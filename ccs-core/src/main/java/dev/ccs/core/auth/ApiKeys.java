package dev.ccs.core.auth;

import dev.ccs.core.config.AuthConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.time.Cancellable;
import dev.ccs.core.time.Scheduler;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The API keys that open the HTTP API: the Node server's one key (HMAC-SHA256 of
 * {@code "claude-code-server-api-key"} under {@code security.auth.secretKey}, so existing clients
 * keep working) and named keys created here. A named key is {@code ccs_ak_} and 32 random bytes in
 * hex, shown once; the store keeps only its SHA-256. A presented key is hashed and looked up by its
 * hash (an attacker cannot steer a SHA-256, so the lookup's timing tells nothing), then compared in
 * constant time. Thread-safe; lookups take no lock.
 */
public final class ApiKeys implements AutoCloseable {

  public static final String PREFIX = "ccs_ak_";
  /** Most named keys kept: each costs a lookup entry, and thousands would be a mistake. */
  public static final int MAX_KEYS = 10_000;
  private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}._@:+ -]{1,64}");
  private static final Pattern KEY = Pattern.compile("ccs_ak_[0-9a-f]{64}");
  /** Last-used times are kept to the minute: at most one write per key per minute. */
  private static final Duration USE_RESOLUTION = Duration.ofMinutes(1);

  private final ApiKeyStore store;
  private final Clock clock;
  private final Scheduler scheduler;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, ApiKey> byHash = new ConcurrentHashMap<>();
  private volatile byte[] legacy;
  private volatile boolean unsavedUse;
  private Cancellable flush;
  private boolean closed;

  public ApiKeys(AuthConfig config, ApiKeyStore store, Clock clock, Scheduler scheduler) {
    this.store = store;
    this.clock = clock;
    this.scheduler = scheduler;
    store.load().forEach(key -> byHash.put(key.hash(), key));
    reconfigure(config);
    store.onChange(this::reload);
  }

  /** Reads the keys again (another node created or revoked one): a revoked key is refused from now on. */
  synchronized void reload() {
    Map<String, ApiKey> loaded = new java.util.HashMap<>();
    store.load().forEach(key -> loaded.put(key.hash(), key));
    byHash.keySet().retainAll(loaded.keySet());
    byHash.putAll(loaded);
  }

  /** Takes the derived key of a new {@code security.auth.secretKey} (hot reload). */
  public void reconfigure(AuthConfig config) {
    String secret = config.secretKey();
    legacy = secret == null || secret.isBlank() ? null : legacyKey(secret).getBytes(StandardCharsets.US_ASCII);
  }

  /** The Node server's API key for {@code secretKey}. */
  public static String legacyKey(String secretKey) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return PREFIX + HexFormat.of().formatHex(mac.doFinal("claude-code-server-api-key".getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Who sent {@code token}, or why it is refused. */
  public Authentication authenticate(String token) {
    if (token == null || !token.startsWith(PREFIX)) {
      return new Authentication.Denied("invalid_format", "Invalid API Key format",
          "API key must start with \"" + PREFIX + "\"");
    }
    byte[] presented = token.getBytes(StandardCharsets.US_ASCII);
    byte[] legacyKey = legacy;
    if (legacyKey != null && MessageDigest.isEqual(legacyKey, presented)) {
      return new Authentication.Granted(Caller.LEGACY);
    }
    if (byHash.isEmpty() || !KEY.matcher(token).matches()) {
      return new Authentication.Denied("invalid_api_key", "Invalid API Key");
    }
    String hash = sha256(presented);
    ApiKey key = byHash.get(hash);
    if (key == null || !MessageDigest.isEqual(key.hash().getBytes(StandardCharsets.US_ASCII),
        hash.getBytes(StandardCharsets.US_ASCII))) {
      return new Authentication.Denied("invalid_api_key", "Invalid API Key");
    }
    Instant now = clock.instant();
    if (key.expired(now)) {
      return new Authentication.Denied("expired_api_key", "API key \"" + key.name() + "\" expired at " + key.expiresAt());
    }
    if (key.lastUsedAt() == null || !now.isBefore(key.lastUsedAt().plus(USE_RESOLUTION))) {
      byHash.computeIfPresent(hash, (h, current) -> current.usedAt(now.truncatedTo(ChronoUnit.MINUTES)));
      useRecorded();
    }
    return new Authentication.Granted(key.caller());
  }

  /** A key just created: the only time {@code secret} is known. */
  public record CreatedKey(ApiKey key, String secret) {
  }

  /**
   * Creates a named key; on disk before this returns.
   *
   * @param expiresAt null for a key that does not expire
   * @throws CcsException.InvalidRequest for a bad name or an expiry in the past
   * @throws CcsException.Conflict for a name in use, or when {@link #MAX_KEYS} exist
   */
  public synchronized CreatedKey create(String name, Set<Scope> scopes, Instant expiresAt) {
    if (name == null || !NAME.matcher(name).matches() || name.isBlank()) {
      throw new CcsException.InvalidRequest("invalid_key_name", "name must be 1-64 letters, digits, spaces or ._@:+-");
    }
    Instant now = clock.instant();
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      throw new CcsException.InvalidRequest("invalid_expiry", "expires_at must be in the future");
    }
    if (byHash.values().stream().anyMatch(key -> key.name().equals(name))) {
      throw new CcsException.Conflict("key_name_taken", "A key named \"" + name + "\" exists; revoke it or pick another name");
    }
    if (byHash.size() >= MAX_KEYS) {
      throw new CcsException.Conflict("too_many_keys", "There are " + MAX_KEYS + " keys already; revoke some first");
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String secret = PREFIX + HexFormat.of().formatHex(bytes);
    byte[] id = new byte[8];
    random.nextBytes(id);
    ApiKey key = new ApiKey("key_" + HexFormat.of().formatHex(id), name,
        sha256(secret.getBytes(StandardCharsets.US_ASCII)), secret.substring(0, PREFIX.length() + 4) + "…",
        now, expiresAt, null, scopes);
    byHash.put(key.hash(), key);
    save(true);
    return new CreatedKey(key, secret);
  }

  /** The named keys, oldest first. */
  public List<ApiKey> list() {
    List<ApiKey> keys = new ArrayList<>(byHash.values());
    keys.sort(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id));
    return keys;
  }

  /** The key with this id or name. */
  public Optional<ApiKey> find(String idOrName) {
    return byHash.values().stream().filter(k -> k.id().equals(idOrName) || k.name().equals(idOrName)).findFirst();
  }

  /**
   * Revokes the key with this id or name: refused from the next request on; on disk before this returns.
   *
   * @return the revoked key, or empty when there is none
   */
  public synchronized Optional<ApiKey> revoke(String idOrName) {
    Optional<ApiKey> key = find(idOrName);
    key.ifPresent(k -> {
      byHash.remove(k.hash());
      save(true);
    });
    return key;
  }

  /** Whether any way to authenticate exists (the derived key or a named key). */
  public boolean anyKey() {
    return legacy != null || !byHash.isEmpty();
  }

  private synchronized void useRecorded() {
    unsavedUse = true;
    if (flush == null && !closed) {
      flush = scheduler.schedule(USE_RESOLUTION, this::flushUse);
    }
  }

  private synchronized void flushUse() {
    flush = null;
    if (unsavedUse) {
      save(false);
    }
  }

  private synchronized void save(boolean durable) {
    unsavedUse = false;
    store.save(list(), durable);
  }

  /** Writes the last-used times not yet saved. */
  @Override
  public synchronized void close() {
    closed = true;
    if (flush != null) {
      flush.cancel();
      flush = null;
    }
    if (unsavedUse) {
      save(false);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
