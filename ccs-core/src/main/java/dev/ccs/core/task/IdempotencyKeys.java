package dev.ccs.core.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code Idempotency-Key}s of recent submissions and the task each created: a key counts for
 * {@link #WINDOW}, and at most {@code maxKeys} are kept (when more arrive within the window, the
 * oldest is forgotten first, and a repeat of it then creates a new task). Not thread-safe: the
 * queue holds its monitor around a look-up and the creation that follows it.
 */
final class IdempotencyKeys {

  /** How long a key refers to its task. */
  static final Duration WINDOW = TaskStore.IDEMPOTENCY_WINDOW;

  private record Entry(UUID taskId, Instant createdAt) {
  }

  // Insertion order is creation order: the eldest entry is the first to expire or to be evicted.
  private final LinkedHashMap<String, Entry> keys = new LinkedHashMap<>();
  private final int maxKeys;
  private final Clock clock;

  IdempotencyKeys(int maxKeys, Clock clock) {
    this.maxKeys = maxKeys;
    this.clock = clock;
  }

  /** The task of {@code key}, if the key was used within the window. */
  Optional<UUID> find(String key) {
    expire();
    Entry entry = keys.get(key);
    return entry == null ? Optional.empty() : Optional.of(entry.taskId());
  }

  /** Remembers a key (for the window from {@code createdAt}); call in order of creation. */
  void remember(String key, UUID taskId, Instant createdAt) {
    if (!createdAt.plus(WINDOW).isAfter(clock.instant())) {
      return;
    }
    keys.remove(key);
    keys.put(key, new Entry(taskId, createdAt));
    while (keys.size() > maxKeys) {
      Iterator<String> eldest = keys.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }

  int size() {
    return keys.size();
  }

  private void expire() {
    Instant cutoff = clock.instant().minus(WINDOW);
    for (Iterator<Map.Entry<String, Entry>> it = keys.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue().createdAt().isAfter(cutoff)) {
        return;
      }
      it.remove();
    }
  }

  /** SHA-256 of what defines a request, to tell a repeat from a reuse of its idempotency key. */
  static String requestHash(NewTask request) {
    ObjectNode canonical = Json.object();
    canonical.put("prompt", request.prompt());
    canonical.put("project_path", request.projectPath());
    canonical.put("session_id", request.sessionId() == null ? null : request.sessionId().toString());
    canonical.set("options", TaskJson.options(request.options()));
    canonical.put("priority", request.priority());
    canonical.put("timeout_ms", request.timeout() == null ? null : request.timeout().toMillis());
    canonical.put("webhook_url", request.webhookUrl());
    canonical.set("metadata", request.metadata());
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Json.writeBytes(canonical)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
