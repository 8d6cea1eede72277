package dev.ccs.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.auth.ApiKey;
import dev.ccs.core.auth.ApiKeyStore;
import dev.ccs.core.json.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The named API keys (hashes only) in one small file, {@code dataDir/auth/keys.json}, readable by
 * its owner only ({@link SmallJsonFile}: replaced atomically; an unreadable file is set aside, and
 * then no named key authenticates until keys are created again).
 */
final class ApiKeyFile implements ApiKeyStore {

  private final SmallJsonFile file;

  ApiKeyFile(Path dir, Path corruptDir, Clock clock) {
    this.file = new SmallJsonFile(dir.resolve("keys.json"), corruptDir, clock);
  }

  @Override
  public List<ApiKey> load() {
    return file.read(root -> {
      List<ApiKey> keys = new ArrayList<>();
      for (JsonNode node : root.path("keys")) {
        keys.add(ApiKey.fromJson(node));
      }
      return keys;
    }, "named API keys are refused until they are created again").orElse(List.of());
  }

  @Override
  public void save(List<ApiKey> keys, boolean durable) {
    ObjectNode root = Json.object();
    ArrayNode array = root.putArray("keys");
    keys.forEach(key -> array.add(key.toJson()));
    file.replace(root, durable);
  }
}
