package dev.ccs.core.store;

import dev.ccs.core.error.StoreException;
import dev.ccs.core.json.Json;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.StoredMessage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A second process on a data directory, for the cross-process tests: {@code hold DIR} opens the
 * store and waits; {@code write DIR} records turns round-robin over a few sessions for ever,
 * printing {@code ACK <session> <turn>} after each one is acknowledged.
 */
public final class StoreWriterMain {

  private StoreWriterMain() {
  }

  public static void main(String[] args) throws Exception {
    FileStorage storage;
    try {
      storage = FileStorage.open(Path.of(args[1]));
    } catch (StoreException e) {
      System.out.println("REFUSED " + e.getMessage());
      System.out.flush();
      return;
    }
    System.out.println("READY");
    System.out.flush();
    if (args[0].equals("hold")) {
      Thread.sleep(Long.MAX_VALUE);
    }
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Session session = Session.create(UUID.randomUUID(), Instant.now(), "/w/" + i, null, Json.object(), null);
      ids.add(storage.sessions().create(session).id());
    }
    for (int turn = 1; ; turn++) {
      UUID id = ids.get(turn % ids.size());
      Session current = storage.sessions().get(id).orElseThrow();
      Instant now = Instant.now();
      // A prompt appended without a flush first, as a streamed turn does, then the turn itself.
      storage.messages().append(id, List.of(new StoredMessage(StoredMessage.newId(), id, "user", "prompt " + turn, now,
          Json.object())), false);
      storage.recordTurn(current.afterRun(now, new BigDecimal("0.001"), true, true, null, null, null, null),
          List.of(new StoredMessage(StoredMessage.newId(), id, "assistant", "turn " + turn, now,
              Json.object().put("padding", "x".repeat(turn % 3000)))));
      System.out.println("ACK " + id + " " + turn);
      System.out.flush();
    }
  }
}
