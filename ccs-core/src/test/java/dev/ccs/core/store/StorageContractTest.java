package dev.ccs.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.error.StaleVersionException;
import dev.ccs.core.json.Json;
import dev.ccs.core.session.MessagePage;
import dev.ccs.core.session.MessageQuery;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionFilter;
import dev.ccs.core.session.SessionStatus;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskStatus;
import dev.ccs.core.task.TaskStore;
import dev.ccs.core.task.TaskSummary;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link Storage} must do; one subclass per implementation runs it. */
abstract class StorageContractTest {

  @TempDir
  Path temp;

  protected Storage storage;
  private final Instant t0 = Instant.parse("2026-11-01T10:00:00Z");

  protected abstract Storage open(Path dir);

  @BeforeEach
  void openStorage() {
    storage = open(temp.resolve("data"));
  }

  @AfterEach
  void closeStorage() {
    storage.close();
  }

  protected Session newSession(String project, Instant at) {
    ObjectNode metadata = Json.object().put("label", "Nightly Build");
    return Session.create(UUID.randomUUID(), at, project, "claude-sonnet-4-5", metadata, null);
  }

  protected static StoredMessage message(UUID session, String role, String content, Instant at) {
    return new StoredMessage(StoredMessage.newId(), session, role, content, at, Json.object().put("n", content));
  }

  @Test
  void createGetUpdateDelete() {
    Session created = storage.sessions().create(newSession("/w/a", t0));
    assertThat(created.version()).isEqualTo(1);
    assertThat(storage.sessions().get(created.id())).contains(created);

    Session archived = storage.sessions().update(created.withStatus(SessionStatus.ARCHIVED, t0.plusSeconds(5)), true);
    assertThat(archived.version()).isEqualTo(2);
    assertThat(storage.sessions().get(created.id()).orElseThrow().status()).isEqualTo(SessionStatus.ARCHIVED);

    assertThat(storage.sessions().delete(created.id())).isTrue();
    assertThat(storage.sessions().get(created.id())).isEmpty();
    assertThat(storage.sessions().delete(created.id())).isFalse();
  }

  @Test
  void staleAndDuplicateWritesAreRefused() {
    Session created = storage.sessions().create(newSession("/w/a", t0));
    storage.sessions().update(created.withStatus(SessionStatus.CLOSED, t0.plusSeconds(1)), true);

    assertThatThrownBy(() -> storage.sessions().update(created.withStatus(SessionStatus.ARCHIVED, t0), true))
        .isInstanceOf(StaleVersionException.class);
    assertThatThrownBy(() -> storage.sessions().create(created)).isInstanceOf(StaleVersionException.class);
    assertThatThrownBy(() -> storage.sessions().update(newSession("/w", t0).withVersion(1), true))
        .isInstanceOf(CcsException.NotFound.class);
  }

  @Test
  void listsNewestFirstWithFiltersAndLimits() {
    List<Session> made = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      made.add(storage.sessions().create(newSession(i % 2 == 0 ? "/w/even" : "/w/odd", t0.plusSeconds(i))));
    }
    Session closed = storage.sessions().update(made.get(3).withStatus(SessionStatus.CLOSED, t0.plusSeconds(100)), true);

    assertThat(storage.sessions().list(SessionFilter.ALL, 3)).extracting(Session::id)
        .containsExactly(closed.id(), made.get(9).id(), made.get(8).id());
    assertThat(storage.sessions().list(new SessionFilter(null, "/w/even"), 100)).hasSize(5)
        .allMatch(s -> s.projectPath().equals("/w/even"));
    assertThat(storage.sessions().list(new SessionFilter(SessionStatus.CLOSED, null), 100)).extracting(Session::id)
        .containsExactly(closed.id());
    assertThat(storage.sessions().list(new SessionFilter(SessionStatus.ACTIVE, "/w/odd"), 100)).hasSize(4);
    assertThat(storage.sessions().list(new SessionFilter(null, "/w/none"), 100)).isEmpty();
    assertThat(storage.sessions().size()).isEqualTo(10);
  }

  @Test
  void searchesIdsAndMetadataIgnoringCase() {
    Session session = storage.sessions().create(newSession("/w", t0));
    storage.sessions().create(Session.create(UUID.randomUUID(), t0, "/w", null, Json.object().put("x", "other"), null));

    assertThat(storage.sessions().search("nightly", 10)).extracting(Session::id).containsExactly(session.id());
    assertThat(storage.sessions().search(session.id().toString().substring(0, 8), 10)).extracting(Session::id)
        .contains(session.id());
    assertThat(storage.sessions().search("absent", 10)).isEmpty();
  }

  @Test
  void findsSessionsNotUpdatedSinceACutoffOldestFirst() {
    Session old1 = storage.sessions().create(newSession("/w", t0.minus(Duration.ofDays(40))));
    Session old2 = storage.sessions().create(newSession("/w", t0.minus(Duration.ofDays(35))));
    storage.sessions().create(newSession("/w", t0));

    assertThat(storage.sessions().updatedBefore(t0.minus(Duration.ofDays(30)), 10)).extracting(Session::id)
        .containsExactly(old1.id(), old2.id());
  }

  @Test
  void pagesMessages() {
    UUID id = storage.sessions().create(newSession("/w", t0)).id();
    List<StoredMessage> all = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      all.add(message(id, i % 2 == 0 ? "user" : "assistant", "m" + i, t0.plusSeconds(i)));
    }
    storage.messages().append(id, all.subList(0, 4), false);
    storage.messages().append(id, all.subList(4, 7), true);

    MessagePage newest = storage.messages().page(id, MessageQuery.newest(3));
    assertThat(newest.messages()).extracting(StoredMessage::content).containsExactly("m6", "m5", "m4");
    assertThat(newest.hasMore()).isTrue();
    assertThat(newest.total()).isEqualTo(7);

    MessagePage older = storage.messages().page(id, new MessageQuery(3, newest.lastId(), null, true));
    assertThat(older.messages()).extracting(StoredMessage::content).containsExactly("m3", "m2", "m1");
    assertThat(older.hasMore()).isTrue();

    MessagePage after = storage.messages().page(id, new MessageQuery(10, null, all.get(4).id(), false));
    assertThat(after.messages()).extracting(StoredMessage::content).containsExactly("m5", "m6");
    assertThat(after.hasMore()).isFalse();

    assertThat(storage.messages().history(id)).extracting(StoredMessage::content)
        .containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6");
    assertThat(storage.messages().history(id).get(2).metadata().path("n").asText()).isEqualTo("m2");
    assertThatThrownBy(() -> storage.messages().page(id, new MessageQuery(3, "msg_nope", null, true)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before_id");
    assertThat(storage.messages().page(UUID.randomUUID(), MessageQuery.newest(5)).messages()).isEmpty();
  }

  @Test
  void aPageHoldsAtMostItsByteBudgetAndTheRestIsPagedOn() {
    UUID id = storage.sessions().create(newSession("/w", t0)).id();
    // 1.5 MiB each: a page of the 4 MiB budget holds three, the next page the rest.
    String big = "x".repeat(3 << 19);
    List<StoredMessage> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(new StoredMessage(StoredMessage.newId(), id, "user", i + big, t0.plusSeconds(i), Json.object()));
    }
    storage.messages().append(id, all, true);

    MessagePage newest = storage.messages().page(id, MessageQuery.newest(100));
    assertThat(newest.messages()).extracting(m -> m.content().charAt(0)).containsExactly('4', '3', '2');
    assertThat(newest.hasMore()).isTrue();
    assertThat(newest.total()).isEqualTo(5);
    MessagePage rest = storage.messages().page(id, new MessageQuery(100, newest.lastId(), null, true));
    assertThat(rest.messages()).extracting(m -> m.content().charAt(0)).containsExactly('1', '0');
    assertThat(rest.hasMore()).isFalse();

    MessagePage oldest = storage.messages().page(id, new MessageQuery(100, null, null, false));
    assertThat(oldest.messages()).extracting(m -> m.content().charAt(0)).containsExactly('0', '1', '2');
    assertThat(oldest.hasMore()).isTrue();
  }

  @Test
  void cursorsOutOfOrderGiveAnEmptyPage() {
    UUID id = storage.sessions().create(newSession("/w", t0)).id();
    List<StoredMessage> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(message(id, "user", "m" + i, t0.plusSeconds(i)));
    }
    storage.messages().append(id, all, true);

    // after m3 and before m1 select nothing; the same message as both cursors neither.
    assertThat(storage.messages().page(id, new MessageQuery(10, all.get(1).id(), all.get(3).id(), true)).messages())
        .isEmpty();
    assertThat(storage.messages().page(id, new MessageQuery(10, all.get(2).id(), all.get(2).id(), false)).messages())
        .isEmpty();
    assertThat(storage.messages().page(id, new MessageQuery(10, all.get(3).id(), all.get(0).id(), false)).messages())
        .extracting(StoredMessage::content).containsExactly("m1", "m2");
    assertThatThrownBy(() -> storage.messages().page(id, new MessageQuery(3, null, "msg_nope", false)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("after_id");
  }

  @Test
  void aTurnStoresMessagesAndSessionTogether() {
    Session session = storage.sessions().create(newSession("/w", t0));
    Session after = session.afterRun(t0.plusSeconds(3), new BigDecimal("0.0125"), true, true, new BigDecimal("0.0125"),
        session.id().toString(), "{\"m\":{\"costUSD\":0.5}}", "provider-a");

    Session stored = storage.recordTurn(after, List.of(message(session.id(), "user", "q", t0),
        message(session.id(), "assistant", "a", t0.plusSeconds(3))));

    assertThat(stored.version()).isEqualTo(2);
    assertThat(stored.totalCostUsd()).isEqualByComparingTo("0.0125");
    assertThat(stored.messagesCount()).isEqualTo(1);
    assertThat(stored.cliSessionStarted()).isTrue();
    assertThat(storage.sessions().get(session.id())).contains(stored);
    assertThat(storage.messages().history(session.id())).extracting(StoredMessage::role).containsExactly("user", "assistant");
    assertThatThrownBy(() -> storage.recordTurn(after, List.of())).isInstanceOf(StaleVersionException.class);
  }

  @Test
  void deletingHistoryRemovesIt() {
    UUID id = storage.sessions().create(newSession("/w", t0)).id();
    storage.messages().append(id, List.of(message(id, "user", "x", t0)), true);

    assertThat(storage.messages().deleteHistory(id)).isEqualTo(1);
    assertThat(storage.messages().history(id)).isEmpty();
  }

  @Test
  void concurrentTurnsLoseNothing() throws Exception {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(storage.sessions().create(newSession("/w/" + i, t0)).id());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 80; i++) {
        UUID id = ids.get(i % ids.size());
        futures.add(pool.submit(() -> {
          // Read-modify-write with retry: the version check makes a lost update impossible.
          while (true) {
            Session current = storage.sessions().get(id).orElseThrow();
            try {
              storage.recordTurn(current.afterRun(t0, new BigDecimal("0.001"), true, true, null, null, null, null),
                  List.of(message(id, "assistant", "x", t0)));
              return;
            } catch (StaleVersionException retry) {
              Thread.onSpinWait();
            }
          }
        }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
    for (UUID id : ids) {
      Session session = storage.sessions().get(id).orElseThrow();
      assertThat(session.messagesCount()).isEqualTo(20);
      assertThat(session.totalCostUsd()).isEqualByComparingTo("0.020");
      assertThat(storage.messages().history(id)).hasSize(20);
    }
  }

  protected Task newTask(int priority, Instant at) {
    return new Task(UUID.randomUUID(), sequence++, at, at, TaskStatus.PENDING, "prompt " + sequence, "/w/a", priority,
        UUID.randomUUID(), null, null, null, null, null, null, null, null, null, null, BigDecimal.ZERO, null, 0, 0,
        null, false, null, null, null, null, 0);
  }

  private long sequence = 1;

  private static Task keyed(Task t, String key) {
    return new Task(t.id(), t.sequence(), t.createdAt(), t.updatedAt(), t.status(), t.prompt(), t.projectPath(),
        t.priority(), t.sessionId(), t.options(), t.timeout(), t.webhookUrl(), t.metadata(), t.result(), t.error(),
        t.errorCode(), t.startedAt(), t.completedAt(), t.durationMs(), t.costUsd(), t.usage(), t.attempts(),
        t.interruptions(), t.notBefore(), t.deadLetter(), key, "hash", t.batchId(), t.replayOf(), t.version());
  }

  @Test
  void tasksAreListedByStatusNewestFirstAndCountedAsTheyChange() {
    Task a = storage.tasks().create(newTask(5, t0));
    Task b = storage.tasks().create(newTask(5, t0.plusSeconds(1)));
    Task c = storage.tasks().create(newTask(9, t0.plusSeconds(2)));
    assertThat(a.version()).isEqualTo(1);

    Task running = storage.tasks().update(b.toBuilder().status(TaskStatus.PROCESSING).build());
    storage.tasks().update(c.toBuilder().status(TaskStatus.FAILED).deadLetter(true)
        .costUsd(new BigDecimal("0.25")).build());
    assertThatThrownBy(() -> storage.tasks().update(b.toBuilder().status(TaskStatus.CANCELLED).build()))
        .isInstanceOf(StaleVersionException.class);

    assertThat(storage.tasks().list(null, 10)).extracting(Task::id).containsExactly(c.id(), b.id(), a.id());
    assertThat(storage.tasks().list(TaskStatus.PENDING, 10)).extracting(Task::id).containsExactly(a.id());
    assertThat(storage.tasks().list(null, 2)).hasSize(2);
    TaskSummary summary = storage.tasks().summary();
    assertThat(summary.total()).isEqualTo(3);
    assertThat(summary.counts()).containsEntry(TaskStatus.PENDING, 1).containsEntry(TaskStatus.PROCESSING, 1)
        .containsEntry(TaskStatus.FAILED, 1).containsEntry(TaskStatus.COMPLETED, 0);
    assertThat(summary.deadLetters()).isEqualTo(1);
    assertThat(summary.totalCostUsd()).isEqualByComparingTo("0.25");
    assertThat(summary.oldestPendingCreatedAt()).isEqualTo(t0);

    storage.tasks().update(running.toBuilder().status(TaskStatus.COMPLETED).costUsd(new BigDecimal("0.5")).build());
    assertThat(storage.tasks().delete(a.id())).isTrue();
    assertThat(storage.tasks().delete(a.id())).isFalse();
    summary = storage.tasks().summary();
    assertThat(summary.total()).isEqualTo(2);
    assertThat(summary.counts()).containsEntry(TaskStatus.PENDING, 0).containsEntry(TaskStatus.COMPLETED, 1);
    assertThat(summary.totalCostUsd()).isEqualByComparingTo("0.75");
    assertThat(summary.oldestPendingCreatedAt()).isNull();
    assertThat(storage.tasks().finishedBefore(t0.plusSeconds(60), 10)).isEmpty(); // completedAt not set
  }

  @Test
  void whatRetentionAsksOfTheStoreComesFromHeadsAlone() {
    Task a = storage.tasks().create(newTask(5, t0));
    Task b = storage.tasks().create(keyed(newTask(5, t0.plusSeconds(1)), "k"));
    Task c = storage.tasks().create(newTask(5, t0.plusSeconds(2)));
    Task d = storage.tasks().create(newTask(5, t0.plusSeconds(3)));
    storage.tasks().update(a.toBuilder().status(TaskStatus.COMPLETED).completedAt(t0.plusSeconds(10)).build());
    storage.tasks().update(b.toBuilder().status(TaskStatus.FAILED).completedAt(t0.plusSeconds(5)).build());
    storage.tasks().update(c.toBuilder().status(TaskStatus.PROCESSING).build());

    assertThat(storage.tasks().finishedCount()).isEqualTo(2);
    assertThat(storage.tasks().unfinishedIds()).containsExactly(c.id(), d.id());
    assertThat(storage.tasks().sessionsOfUnfinished()).containsExactlyInAnyOrder(c.sessionId(), d.sessionId());
    assertThat(storage.tasks().withIdempotencyKeySince(t0))
        .containsExactly(new TaskStore.KeyedTask("k", b.id(), b.createdAt()));
    assertThat(storage.tasks().finishedBefore(t0.plusSeconds(6), 10)).containsExactly(b.id());
    assertThat(storage.tasks().oldestFinished(t0, 10)).containsExactly(a.id());
    assertThat(storage.tasks().oldestFinished(t0.plusSeconds(2), 10)).containsExactly(a.id(), b.id());
    assertThat(storage.tasks().purge(a.id())).isTrue();
    assertThat(storage.tasks().purge(a.id())).isFalse();
    assertThat(storage.tasks().finishedCount()).isEqualTo(1);

    Session small = storage.sessions().create(newSession("/w", t0));
    long before = storage.sessions().metadataBytes();
    Session large = storage.sessions().create(Session.create(UUID.randomUUID(), t0, "/w", null,
        Json.object().put("k", "v".repeat(100)), null));
    assertThat(storage.sessions().metadataBytes() - before).isEqualTo(large.metadataJson().length());
    storage.messages().append(large.id(), List.of(message(large.id(), "user", "x", t0)), true);
    storage.messages().purgeHistory(large.id());
    assertThat(storage.sessions().purge(large.id())).isTrue();
    assertThat(storage.messages().history(large.id())).isEmpty();
    assertThat(storage.sessions().metadataBytes()).isEqualTo(before);
    assertThat(storage.sessions().get(small.id())).isPresent();
  }

  @Test
  void projectsAreAddedUpPerWorkingDirectory() {
    Session a1 = storage.sessions().create(newSession("/w/a", t0));
    storage.recordTurn(a1.afterRun(t0.plusSeconds(7), new BigDecimal("0.25"), true, true, null, null, null, null),
        List.of(message(a1.id(), "user", "q", t0)));
    storage.sessions().create(newSession("/w/a", t0.plusSeconds(3)));
    storage.sessions().create(newSession("/w/b", t0.plusSeconds(1)));

    java.util.Map<String, dev.ccs.core.session.ProjectSummary> totals = new java.util.HashMap<>();
    storage.sessions().projectTotals().forEach(p -> totals.put(p.projectPath(), p));
    assertThat(totals).containsOnlyKeys("/w/a", "/w/b");
    dev.ccs.core.session.ProjectSummary a = totals.get("/w/a");
    assertThat(a.sessionCount()).isEqualTo(2);
    assertThat(a.totalCostUsd()).isEqualByComparingTo("0.25");
    assertThat(a.messagesCount()).isEqualTo(1);
    assertThat(a.lastActivity()).isEqualTo(t0.plusSeconds(7));
    assertThat(a.createdAt()).isEqualTo(t0);
    assertThat(totals.get("/w/b").sessionCount()).isEqualTo(1);
  }

  @Test
  void aSessionListIsWalkedPageByPageWithItsCursor() {
    Instant t = Instant.parse("2026-11-01T10:00:00Z");
    List<UUID> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(0, storage.sessions().create(newSession("/w/p" + (i % 2), t.plusSeconds(i))).id());
    }
    List<UUID> walked = new ArrayList<>();
    dev.ccs.core.session.SessionCursor after = null;
    while (true) {
      List<Session> page = storage.sessions().list(new SessionFilter(null, null, after), 2);
      page.forEach(session -> walked.add(session.id()));
      if (page.size() < 2) {
        break;
      }
      after = dev.ccs.core.session.SessionCursor.decode(
          dev.ccs.core.session.SessionCursor.after(page.get(page.size() - 1)).encode());
    }
    assertThat(walked).containsExactlyElementsOf(created);
    // With a filter, the cursor walks the filtered list.
    List<Session> first = storage.sessions().list(new SessionFilter(null, "/w/p0", null), 1);
    List<Session> second = storage.sessions().list(new SessionFilter(null, "/w/p0",
        dev.ccs.core.session.SessionCursor.after(first.get(0))), 10);
    assertThat(second).extracting(Session::projectPath).containsOnly("/w/p0").hasSize(2);
    assertThatThrownBy(() -> dev.ccs.core.session.SessionCursor.decode("bm9wZQ"))
        .isInstanceOf(CcsException.InvalidRequest.class);
  }
}
