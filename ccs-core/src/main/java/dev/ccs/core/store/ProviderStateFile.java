package dev.ccs.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.balance.ProviderState;
import dev.ccs.core.balance.ProviderStateStore;
import dev.ccs.core.error.StoreException;
import dev.ccs.core.io.AtomicFiles;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The balancer's provider states in one small file, {@code dataDir/balance/providers.json},
 * replaced atomically (temp file, rename; fsync when the save must be durable). A file that cannot
 * be read at start is moved to {@code corrupt/} and the providers start fresh.
 */
final class ProviderStateFile implements ProviderStateStore {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderStateFile.class);

  private final Path file;
  private final Path corruptDir;
  private final Clock clock;

  ProviderStateFile(Path dir, Path corruptDir, Clock clock) {
    this.file = dir.resolve("providers.json");
    this.corruptDir = corruptDir;
    this.clock = clock;
  }

  @Override
  public synchronized List<ProviderState> load() {
    try {
      JsonNode root = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
      List<ProviderState> states = new ArrayList<>();
      for (JsonNode node : root.path("providers")) {
        states.add(ProviderState.fromJson(node));
      }
      return states;
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("{} cannot be read ({}); providers start with fresh health", file, e.getMessage());
      try {
        Files.createDirectories(corruptDir);
        Files.move(file, corruptDir.resolve("providers.json." + clock.millis()), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moveFailed) {
        throw new StoreException("cannot set aside " + file + ": " + moveFailed.getMessage(), moveFailed);
      }
      return List.of();
    }
  }

  @Override
  public synchronized void save(List<ProviderState> states, boolean durable) {
    ObjectNode root = Json.object();
    ArrayNode array = root.putArray("providers");
    states.forEach(state -> array.add(state.toJson()));
    try {
      AtomicFiles.replace(file, (Json.writePretty(root) + "\n").getBytes(StandardCharsets.UTF_8), true, durable);
    } catch (IOException e) {
      throw new StoreException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
