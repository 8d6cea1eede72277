import dev.ccs.core.json.Json;
import dev.ccs.core.session.MessageQuery;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionFilter;
import dev.ccs.core.session.SessionJson;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.store.FileStorage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Store operations at 1k and at 100k stored sessions: the file store keeps an index in memory, so
 * get and list should cost the same at both sizes, and a turn (one append + one fsync) too.
 *
 * Run: bash bench/run.sh store   (java -cp ccs-httpd/target/ccs-httpd.jar bench/StoreBench.java [sizes...])
 */
public class StoreBench {

  public static void main(String[] args) throws Exception {
    int[] sizes = args.length == 0 ? new int[] {1_000, 100_000}
        : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.printf("%-10s %12s %12s %12s %14s %14s %14s%n", "sessions", "open (ms)", "get p50 us", "list p50 us",
        "by-project us", "turn p50 ms", "page p50 us");
    for (int size : sizes) {
      run(size);
    }
  }

  static void run(int size) throws Exception {
    Path dir = Files.createTempDirectory("ccs-store-bench");
    Path sessions = Files.createDirectories(dir.resolve("sessions"));
    Files.createDirectories(dir.resolve("messages"));
    List<UUID> ids = new ArrayList<>(size);
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    // Populate directly (a store would fsync each create): the files are what the store writes.
    for (int i = 0; i < size; i++) {
      UUID id = UUID.randomUUID();
      Session session = Session.create(id, t0.plusSeconds(i), "/work/project-" + (i % 500), "claude-sonnet-4-5",
          Json.object().put("label", "session " + i), null).withVersion(1);
      Files.write(sessions.resolve(id + ".json"), Json.writeBytes(SessionJson.toJson(session)));
      ids.add(id);
    }
    Files.writeString(dir.resolve("clean-shutdown"), "clean\n");
    long start = System.nanoTime();
    try (FileStorage storage = FileStorage.open(dir)) {
      double openMillis = (System.nanoTime() - start) / 1e6;
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < 20_000; i++) {
        storage.sessions().get(ids.get(random.nextInt(size)));
        storage.sessions().list(SessionFilter.ALL, 20);
      }
      List<Long> get = new ArrayList<>();
      List<Long> list = new ArrayList<>();
      List<Long> byProject = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        UUID id = ids.get(random.nextInt(size));
        long t = System.nanoTime();
        storage.sessions().get(id);
        get.add(System.nanoTime() - t);
        t = System.nanoTime();
        storage.sessions().list(SessionFilter.ALL, 20);
        list.add(System.nanoTime() - t);
        t = System.nanoTime();
        storage.sessions().list(new SessionFilter(null, "/work/project-" + random.nextInt(500)), 20);
        byProject.add(System.nanoTime() - t);
      }
      List<Long> turn = new ArrayList<>();
      List<Long> page = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        UUID id = ids.get(random.nextInt(Math.min(size, 200)));
        Session current = storage.sessions().get(id).orElseThrow();
        Instant now = Instant.now();
        List<StoredMessage> messages = List.of(
            new StoredMessage(StoredMessage.newId(), id, "user", "prompt " + i, now, Json.object()),
            new StoredMessage(StoredMessage.newId(), id, "assistant", "answer " + i, now, Json.object().put("cost_usd", 0.001)));
        long t = System.nanoTime();
        storage.recordTurn(current.afterRun(now, new BigDecimal("0.001"), true, true, null, null, null, null), messages);
        turn.add(System.nanoTime() - t);
        t = System.nanoTime();
        storage.messages().page(id, MessageQuery.newest(20));
        page.add(System.nanoTime() - t);
      }
      System.out.printf("%-10d %12.0f %12.1f %12.1f %14.1f %14.2f %14.1f%n", size, openMillis, p50(get) / 1e3,
          p50(list) / 1e3, p50(byProject) / 1e3, p50(turn) / 1e6, p50(page) / 1e3);
      String k = size >= 1000 ? size / 1000 + "k" : Integer.toString(size);
      System.out.printf("FIGURE|store.%s.open|file store with %s sessions: open|%.0f|ms|%n", k, k, openMillis);
      System.out.printf("FIGURE|store.%s.list|file store with %s sessions: list a page, p50|%.1f|us|%n", k, k,
          p50(list) / 1e3);
      System.out.printf("FIGURE|store.%s.turn|file store with %s sessions: record a turn (fsync), p50|%.2f|ms|%n", k, k,
          p50(turn) / 1e6);
    }
  }

  static long p50(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
