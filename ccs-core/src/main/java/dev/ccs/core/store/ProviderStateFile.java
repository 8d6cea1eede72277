package dev.ccs.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.balance.ProviderState;
import dev.ccs.core.balance.ProviderStateStore;
import dev.ccs.core.json.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The balancer's provider states in one small file, {@code dataDir/balance/providers.json}
 * ({@link SmallJsonFile}: fsync when the save must be durable; an unreadable file is set aside and
 * the providers start fresh).
 */
final class ProviderStateFile implements ProviderStateStore {

  private final SmallJsonFile file;

  ProviderStateFile(Path dir, Path corruptDir, Clock clock) {
    this.file = new SmallJsonFile(dir.resolve("providers.json"), corruptDir, clock);
  }

  @Override
  public List<ProviderState> load() {
    return file.read(root -> {
      List<ProviderState> states = new ArrayList<>();
      for (JsonNode node : root.path("providers")) {
        states.add(ProviderState.fromJson(node));
      }
      return states;
    }, "providers start with fresh health").orElse(List.of());
  }

  @Override
  public void save(List<ProviderState> states, boolean durable) {
    ObjectNode root = Json.object();
    ArrayNode array = root.putArray("providers");
    states.forEach(state -> array.add(state.toJson()));
    file.replace(root, durable);
  }
}
