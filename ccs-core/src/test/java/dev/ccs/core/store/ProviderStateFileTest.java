package dev.ccs.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.balance.CircuitBreaker;
import dev.ccs.core.balance.ProviderState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderStateFileTest {

  @TempDir
  Path temp;

  @Test
  void statesSurviveAReopenOfTheDataDirectory() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    List<ProviderState> states = List.of(
        new ProviderState("a", false, new CircuitBreaker.Snapshot(CircuitBreaker.State.OPEN, 3, t), 10, 4,
            "HTTP 529: overloaded", t, t),
        new ProviderState("b", null, new CircuitBreaker.Snapshot(CircuitBreaker.State.CLOSED, 0, null), 0, 0, null,
            null, null));
    try (FileStorage storage = FileStorage.open(temp.resolve("data"))) {
      assertThat(storage.providerStates().load()).isEmpty();
      storage.providerStates().save(states, true);
    }
    try (FileStorage storage = FileStorage.open(temp.resolve("data"))) {
      assertThat(storage.providerStates().load()).isEqualTo(states);
    }
  }

  @Test
  void anUnreadableFileIsSetAsideAndTheProvidersStartFresh() throws Exception {
    Path file = temp.resolve("data/balance/providers.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"providers\": [{\"id\": \"a\", \"state\": \"sideways\"}");
    try (FileStorage storage = FileStorage.open(temp.resolve("data"), Clock.systemUTC())) {
      assertThat(storage.providerStates().load()).isEmpty();
    }
    assertThat(file).doesNotExist();
    try (var corrupt = Files.list(temp.resolve("data/corrupt"))) {
      assertThat(corrupt.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("providers.json."));
    }
  }
}
