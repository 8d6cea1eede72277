package dev.ccs.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccs.core.error.StoreException;
import dev.ccs.core.session.MessagePage;
import dev.ccs.core.session.MessageQuery;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionFilter;
import dev.ccs.core.session.SessionJson;
import dev.ccs.core.session.SessionStatus;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskStatus;
import dev.ccs.core.task.TaskSummary;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The contract, plus what only a file store has: persistence, locking, crash recovery. */
class FileStorageTest extends StorageContractTest {

  private final Instant t0 = Instant.parse("2026-11-01T10:00:00Z");

  @Override
  protected Storage open(Path dir) {
    return FileStorage.open(dir);
  }

  private Path data() {
    return temp.resolve("data");
  }

  @Test
  void everythingSurvivesAReopen() {
    Session session = storage.sessions().create(newSession("/w/a", t0));
    Session after = storage.recordTurn(session.afterRun(t0.plusSeconds(1), new BigDecimal("0.5"), true, true,
        new BigDecimal("0.5"), session.id().toString(), "{\"m\":{\"costUSD\":0.5}}", "provider-a"), List.of(message(session.id(), "user", "hello", t0)));
    storage.close();

    storage = open(data());

    assertThat(storage.sessions().get(session.id())).contains(after);
    assertThat(storage.messages().history(session.id())).extracting(StoredMessage::content).containsExactly("hello");
    assertThat(((FileStorage) storage).recoveredFromCrash()).isFalse();
  }

  @Test
  void tasksAndTheirCountsSurviveAReopen() {
    Task task = storage.tasks().create(newTask(7, t0));
    Task failed = storage.tasks().update(task.toBuilder().status(TaskStatus.FAILED).deadLetter(true)
        .costUsd(new BigDecimal("0.125")).error("overloaded").build());
    Task waiting = storage.tasks().create(newTask(3, t0.plusSeconds(1)));
    storage.close();

    storage = open(data());

    assertThat(storage.tasks().get(task.id())).contains(failed);
    assertThat(storage.tasks().get(waiting.id())).contains(waiting);
    TaskSummary summary = storage.tasks().summary();
    assertThat(summary.total()).isEqualTo(2);
    assertThat(summary.deadLetters()).isEqualTo(1);
    assertThat(summary.totalCostUsd()).isEqualByComparingTo("0.125");
    assertThat(summary.oldestPendingCreatedAt()).isEqualTo(waiting.createdAt());
  }

  /**
   * Node defect #51: every change re-serialised a whole file holding every task, session or audit
   * record (O(n) per write, on files that only grew). Here, with thousands of records stored, a new
   * task, its update, a new session and its turn each append a line or write a small file of their
   * own: no file holding other records is rewritten, and what is written does not grow with the store.
   */
  @Test
  void aChangeWritesItsOwnRecordNotTheWholeStore() throws Exception {
    for (int i = 0; i < 2000; i++) {
      storage.tasks().create(newTask(1 + i % 10, t0.plusSeconds(i)));
      Session session = storage.sessions().create(newSession("/w/" + (i % 9), t0.plusSeconds(i)));
      storage.recordTurn(session.afterRun(t0.plusSeconds(i + 1), new BigDecimal("0.01"), true, true,
          new BigDecimal("0.01"), session.id().toString(), null, null),
          List.of(message(session.id(), "user", "turn " + i, t0.plusSeconds(i))));
    }
    java.util.Map<Path, long[]> before = files(data());

    Task task = storage.tasks().create(newTask(5, t0));
    storage.tasks().update(task.toBuilder().status(TaskStatus.FAILED).error("x").build());
    Session session = storage.sessions().create(newSession("/w/new", t0));
    storage.recordTurn(session.afterRun(t0.plusSeconds(1), new BigDecimal("0.02"), true, true,
        new BigDecimal("0.02"), session.id().toString(), null, null),
        List.of(message(session.id(), "user", "hello", t0), message(session.id(), "assistant", "hi", t0)));
    java.util.Map<Path, long[]> after = files(data());

    long written = 0;
    for (var file : after.entrySet()) {
      long[] was = before.get(file.getKey());
      long[] now = file.getValue();
      if (was != null && was[0] == now[0] && was[1] == now[1]) {
        continue; // untouched
      }
      boolean appended = was != null && was[0] == now[0];
      long bytes = appended ? now[1] - was[1] : now[1];
      assertThat(bytes).as("%s %s", appended ? "appended to" : "written whole", file.getKey()).isLessThan(8192);
      written += bytes;
    }
    assertThat(written).as("bytes written for four changes to a store of 6000 records").isLessThan(16_384);
  }

  /** Every regular file under {@code dir}: its inode (a file replaced gets a new one) and size. */
  private static java.util.Map<Path, long[]> files(Path dir) throws java.io.IOException {
    java.util.Map<Path, long[]> files = new java.util.HashMap<>();
    try (var walk = Files.walk(dir)) {
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        files.put(file, new long[] {((Number) Files.getAttribute(file, "unix:ino")).longValue(), Files.size(file)});
      }
    }
    return files;
  }

  @Test
  void aSecondOwnerIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> FileStorage.open(data()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is in use by another ccs process (pid " + ProcessHandle.current().pid() + ")");
  }

  @Test
  void aTornLastLineIsCutAndTheHistoryKept() throws Exception {
    Session session = storage.sessions().create(newSession("/w", t0));
    storage.recordTurn(session, List.of(message(session.id(), "user", "one", t0), message(session.id(), "assistant",
        "two", t0)));
    storage.messages().append(session.id(), List.of(message(session.id(), "user", "three", t0)), true);
    simulateCrash();
    Path log = data().resolve("messages").resolve(session.id() + ".jsonl");
    Files.writeString(log, "{\"id\":\"msg_torn\",\"session_id\":\"" + session.id() + "\",\"ro", StandardOpenOption.APPEND);

    storage = open(data());

    assertThat(((FileStorage) storage).recoveredFromCrash()).isTrue();
    assertThat(storage.messages().history(session.id())).extracting(StoredMessage::content)
        .containsExactly("one", "two", "three");
    assertThat(Files.readString(log)).endsWith("\n").doesNotContain("msg_torn");
  }

  @Test
  void messageLinesWrittenWithOtherFieldOrderAreReadAndUnreadableOnesSkipped() throws Exception {
    Session session = storage.sessions().create(newSession("/w", t0));
    storage.messages().append(session.id(), List.of(message(session.id(), "user", "one", t0)), true);
    Path log = data().resolve("messages").resolve(session.id() + ".jsonl");
    // As another tool (an import) may write them: the id not first, and a line that is no message.
    Files.writeString(log, "{\"role\":\"assistant\",\"content\":\"two\",\"id\":\"msg_2\",\"session_id\":\""
        + session.id() + "\",\"created_at\":\"" + t0 + "\",\"metadata\":{}}\n{\"not\":\"a message\"}\n",
        StandardOpenOption.APPEND);

    MessagePage page = storage.messages().page(session.id(), MessageQuery.newest(10));

    assertThat(page.messages()).extracting(StoredMessage::content).containsExactly("two", "one");
    assertThat(page.total()).isEqualTo(2);
    assertThat(storage.messages().page(session.id(), new MessageQuery(10, "msg_2", null, true)).messages())
        .extracting(StoredMessage::content).containsExactly("one");
    assertThat(storage.messages().deleteHistory(session.id())).isEqualTo(2);
  }

  @Test
  void aSessionFileBehindItsLogIsRestoredFromTheLog() throws Exception {
    Session session = storage.sessions().create(newSession("/w", t0));
    Session afterOne = storage.recordTurn(session.afterRun(t0, new BigDecimal("0.1"), true, true, null, null, null, null),
        List.of(message(session.id(), "assistant", "a", t0)));
    byte[] staleFile = Files.readAllBytes(data().resolve("sessions").resolve(session.id() + ".json"));
    Session afterTwo = storage.recordTurn(afterOne.afterRun(t0, new BigDecimal("0.2"), true, true, null, null, null, null),
        List.of(message(session.id(), "assistant", "b", t0)));
    simulateCrash();
    // A power cut lost the unflushed replacement of the session file.
    Files.write(data().resolve("sessions").resolve(session.id() + ".json"), staleFile);

    storage = open(data());

    Session restored = storage.sessions().get(session.id()).orElseThrow();
    assertThat(restored).isEqualTo(afterTwo);
    assertThat(restored.totalCostUsd()).isEqualByComparingTo("0.3");
  }

  @Test
  void aLostSessionFileIsRecreatedFromItsLog() throws Exception {
    Session session = storage.sessions().create(newSession("/w/lost", t0));
    Session after = storage.recordTurn(session.afterRun(t0, new BigDecimal("0.1"), true, true, null, null, null, null),
        List.of(message(session.id(), "assistant", "a", t0)));
    simulateCrash();
    Files.delete(data().resolve("sessions").resolve(session.id() + ".json"));

    storage = open(data());

    assertThat(storage.sessions().get(session.id())).contains(after);
    assertThat(storage.sessions().list(new SessionFilter(null, "/w/lost"), 10)).hasSize(1);
  }

  @Test
  void anUnreadableSessionFileIsSetAsideNotFatal() throws Exception {
    Session good = storage.sessions().create(newSession("/w", t0));
    storage.close();
    UUID bad = UUID.randomUUID();
    Files.writeString(data().resolve("sessions").resolve(bad + ".json"), "{ not json");
    // What AtomicFiles leaves when a crash cuts a write short: ".<id>.json.<hex>.tmp".
    String torn = "." + UUID.randomUUID() + ".json.1a2b3c.tmp";
    Files.writeString(data().resolve("sessions").resolve(torn), "partial");

    storage = open(data());

    assertThat(storage.sessions().get(good.id())).isPresent();
    assertThat(storage.sessions().size()).isEqualTo(1);
    assertThat(Files.list(data().resolve("corrupt")).toList()).hasSize(1);
    assertThat(Files.exists(data().resolve("sessions").resolve(torn))).isFalse();
  }

  @Test
  void sessionFilesAreReadableJsonWithTheNodeServersFields() throws Exception {
    Session session = storage.sessions().create(newSession("/w", t0));

    String json = Files.readString(data().resolve("sessions").resolve(session.id() + ".json"), StandardCharsets.UTF_8);

    assertThat(json).contains("\"project_path\":\"/w\"", "\"total_cost_usd\":0", "\"messages_count\":0",
        "\"status\":\"active\"");
    assertThat(SessionJson.fromJson(dev.ccs.core.json.Json.parse(json))).isEqualTo(session);
  }

  @Test
  void statusChangesAreDurable() {
    Session session = storage.sessions().create(newSession("/w", t0));
    storage.sessions().update(session.withStatus(SessionStatus.ARCHIVED, t0), true);
    simulateCrash();

    storage = open(data());

    assertThat(storage.sessions().get(session.id()).orElseThrow().status()).isEqualTo(SessionStatus.ARCHIVED);
  }

  /** Releases the directory as a killed process would: no flush, no clean-shutdown marker. */
  private void simulateCrash() {
    FileStorage file = (FileStorage) storage;
    try {
      java.lang.reflect.Field lock = FileStorage.class.getDeclaredField("lock");
      lock.setAccessible(true);
      ((DataDirectoryLock) lock.get(file)).close();
      java.lang.reflect.Field closed = FileStorage.class.getDeclaredField("closed");
      closed.setAccessible(true);
      closed.setBoolean(file, true);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** Issue 12: the Node server's data in the same directory is left as it is (it was moved to corrupt/). */
  @Test
  void theNodeServersFilesAreLeftAsTheyAre() throws Exception {
    storage.close();
    Path data = temp.resolve("node-data");
    java.util.Map<String, String> node = new java.util.LinkedHashMap<>();
    node.put("sessions/sessions.json", "{\"sessions\":[{\"id\":\"abc\"}]}");
    node.put("sessions/.sessions.json.tmp", "{\"sessions\":[");
    node.put("sessions/session-abc/.claude/settings.json", "{}");
    node.put("tasks/tasks.json", "{\"tasks\":[]}");
    node.put("tasks/.tasks.json.tmp", "{");
    node.put("statistics/statistics.json", "{\"daily\":[],\"requests\":{\"total\":3}}");
    node.put("messages/abc.json", "[{\"role\":\"user\"}]");
    for (var file : node.entrySet()) {
      java.nio.file.Files.createDirectories(data.resolve(file.getKey()).getParent());
      java.nio.file.Files.writeString(data.resolve(file.getKey()), file.getValue());
    }
    for (int round = 0; round < 2; round++) {
      storage = FileStorage.open(data);
      Session session = storage.sessions().create(newSession("/w/n" + round, t0));
      storage.recordTurn(session.afterRun(t0.plusSeconds(1), BigDecimal.ONE, true, true, BigDecimal.ONE,
          session.id().toString(), null, null), List.of(message(session.id(), "user", "hi", t0)));
      storage.statistics().save(dev.ccs.core.json.Json.object().put("version", 1).put("round", round));
      storage.close();
    }
    for (var file : node.entrySet()) {
      org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.readString(data.resolve(file.getKey())))
          .as(file.getKey()).isEqualTo(file.getValue());
    }
    org.assertj.core.api.Assertions.assertThat(data.resolve("corrupt")).doesNotExist();
    storage = FileStorage.open(data);
    org.assertj.core.api.Assertions.assertThat(storage.sessions().all()).hasSize(2);
    org.assertj.core.api.Assertions.assertThat(storage.statistics().load().orElseThrow().path("round").asInt())
        .isEqualTo(1);
    org.assertj.core.api.Assertions.assertThat(NodeDataFiles.in(data)).containsExactly("sessions/sessions.json",
        "tasks/tasks.json", "statistics/statistics.json", "messages/*.json (1)");
  }

  /** Ours was statistics/statistics.json before: it is renamed once, and read. */
  @Test
  void anEarlierStatisticsFileOfOursIsRenamed() throws Exception {
    storage.close();
    Path data = temp.resolve("earlier");
    java.nio.file.Files.createDirectories(data.resolve("statistics"));
    java.nio.file.Files.writeString(data.resolve("statistics/statistics.json"), "{\"version\":1,\"mark\":7}");
    storage = FileStorage.open(data);
    org.assertj.core.api.Assertions.assertThat(storage.statistics().load().orElseThrow().path("mark").asInt())
        .isEqualTo(7);
    org.assertj.core.api.Assertions.assertThat(data.resolve("statistics/statistics.json")).doesNotExist();
  }
}
