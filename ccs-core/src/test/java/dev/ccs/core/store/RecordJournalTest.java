package dev.ccs.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class RecordJournalTest {

  @TempDir
  Path dir;

  /** A map of id -> value kept in a journal, as the task and delivery stores do. */
  private static final class Counters implements AutoCloseable {
    final Map<UUID, Integer> values = new ConcurrentHashMap<>();
    final RecordJournal<Map.Entry<UUID, Integer>> journal;

    Counters(Path dir, int minLines) throws IOException {
      journal = RecordJournal.open(dir, new RecordJournal.Loader() {
        @Override
        public void put(JsonNode record) {
          values.put(UUID.fromString(record.get("id").asText()), record.get("value").asInt());
        }

        @Override
        public void remove(UUID id) {
          values.remove(id);
        }
      }, e -> Json.object().put("id", e.getKey().toString()).put("value", e.getValue()).toString()
          .getBytes(StandardCharsets.UTF_8),
          node -> Map.entry(UUID.fromString(node.get("id").asText()), node.get("value").asInt()), minLines);
    }

    void put(UUID id, int value, boolean durable) {
      journal.put(id, Map.entry(id, value), () -> values.put(id, value), durable);
    }

    void delete(UUID id) {
      journal.delete(id, () -> values.remove(id), true);
    }

    @Override
    public void close() {
      journal.close();
    }
  }

  private List<String> files() throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theLastValueOfEveryRecordSurvivesAReopenAndDeletionsStayDeleted() throws Exception {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    try (Counters counters = new Counters(dir, 1000)) {
      counters.put(a, 1, true);
      counters.put(b, 1, true);
      counters.put(a, 2, false);
      counters.delete(b);
    }

    try (Counters reopened = new Counters(dir, 1000)) {
      assertThat(reopened.values).containsExactly(Map.entry(a, 2));
    }
    assertThat(files()).containsExactly("journal-1.jsonl");
  }

  @Test
  void aTornLastLineIsCutOffAndAppendsContinueAfterIt() throws Exception {
    UUID a = UUID.randomUUID();
    try (Counters counters = new Counters(dir, 1000)) {
      counters.put(a, 1, true);
    }
    Path journal = dir.resolve("journal-1.jsonl");
    long intact = Files.size(journal);
    Files.write(journal, "{\"id\":\"".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

    try (Counters reopened = new Counters(dir, 1000)) {
      assertThat(reopened.values).containsExactly(Map.entry(a, 1));
      assertThat(Files.size(journal)).isEqualTo(intact);
      reopened.put(a, 2, true);
    }
    try (Counters again = new Counters(dir, 1000)) {
      assertThat(again.values).containsExactly(Map.entry(a, 2));
    }
  }

  @Test
  void aLongJournalIsCompactedIntoASnapshotAndTheOldFilesGo() throws Exception {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(UUID.randomUUID());
    }
    Map<UUID, Integer> expected = new TreeMap<>();
    try (Counters counters = new Counters(dir, 50)) {
      for (int round = 0; round < 30; round++) {
        for (UUID id : ids) {
          counters.put(id, round, round % 2 == 0);
          expected.put(id, round);
        }
      }
      counters.delete(ids.get(0));
      expected.remove(ids.get(0));
    }
    List<String> files = files();
    assertThat(files).anyMatch(f -> f.startsWith("snapshot-")).noneMatch(f -> f.endsWith(".tmp"));
    assertThat(files.stream().filter(f -> f.startsWith("journal-"))).hasSizeLessThanOrEqualTo(2);

    try (Counters reopened = new Counters(dir, 50)) {
      assertThat(new TreeMap<>(reopened.values)).isEqualTo(expected);
    }
  }

  @Test
  void aSnapshotCutShortByACrashIsIgnoredAndTheJournalsAreRead() throws Exception {
    UUID a = UUID.randomUUID();
    try (Counters counters = new Counters(dir, 1000)) {
      counters.put(a, 7, true);
    }
    // As a crash during compaction leaves things: the next journal begun, its snapshot half written.
    Files.writeString(dir.resolve("journal-2.jsonl"), "");
    Files.writeString(dir.resolve(".snapshot-2.jsonl.tmp"), "{\"id\":\"" + a + "\",\"val");

    try (Counters reopened = new Counters(dir, 1000)) {
      assertThat(reopened.values).containsExactly(Map.entry(a, 7));
      reopened.put(a, 8, true);
    }
    assertThat(files()).doesNotContain(".snapshot-2.jsonl.tmp");
    try (Counters again = new Counters(dir, 1000)) {
      assertThat(again.values).containsExactly(Map.entry(a, 8));
    }
  }

  @Test
  void recordsAreReadBackFromTheFilesWhileCompactionsMoveThem() throws Exception {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(UUID.randomUUID());
    }
    ExecutorService readers = Executors.newFixedThreadPool(2);
    try (Counters counters = new Counters(dir, 50)) {
      java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
      java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
      List<Future<?>> checks = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        checks.add(readers.submit(() -> {
          while (writing.get()) {
            for (UUID id : ids) {
              Integer known = counters.values.get(id);
              // What the file holds is never older than what was in memory just before.
              counters.journal.read(id).ifPresent(read -> assertThat(read.getValue())
                  .isGreaterThanOrEqualTo(known == null ? 0 : known));
              reads.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (int round = 0; round < 200; round++) {
        for (UUID id : ids) {
          counters.put(id, round, false);
        }
      }
      writing.set(false);
      for (Future<?> check : checks) {
        check.get();
      }
      assertThat(reads.get()).isPositive();
      for (UUID id : ids) {
        assertThat(counters.journal.read(id)).contains(Map.entry(id, 199));
      }
      counters.delete(ids.get(0));
      assertThat(counters.journal.read(ids.get(0))).isEmpty();
      assertThat(counters.journal.size()).isEqualTo(19);
    } finally {
      readers.shutdown();
    }
    assertThat(files()).anyMatch(f -> f.startsWith("snapshot-"));
    try (Counters reopened = new Counters(dir, 50)) {
      assertThat(reopened.journal.read(ids.get(1))).contains(Map.entry(ids.get(1), 199));
    }
  }

  @Test
  void concurrentWritersLoseNothingAcrossCompactions() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    Map<UUID, Integer> expected = new ConcurrentHashMap<>();
    try (Counters counters = new Counters(dir, 200)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            UUID id = UUID.randomUUID();
            counters.put(id, i, true);
            counters.put(id, i + 1, false);
            expected.put(id, i + 1);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    try (Counters reopened = new Counters(dir, 200)) {
      assertThat(reopened.values).hasSize(2000).isEqualTo(expected);
    }
  }
}
