package dev.ccs.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.LimitsConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.session.Session;
import dev.ccs.core.task.NewTask;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskStatus;
import dev.ccs.core.testing.MutableClock;
import dev.ccs.core.webhook.Delivery;
import dev.ccs.core.webhook.DeliveryStatus;
import dev.ccs.testkit.ShellClaude;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store keeps a bounded number of sessions and finished tasks (each costs memory): beyond
 * {@code limits.maxStored*} the least recently used go, never one in use.
 */
@Timeout(120)
class RetentionLimitsTest {

  @TempDir
  Path temp;

  private final MutableClock clock = MutableClock.startingAt("2026-11-30T09:00:00Z");

  private Ccs ccs(UnaryOperator<LimitsConfig.Builder> limits, TaskQueueConfig queue) {
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    CcsConfig config = CcsConfig.defaults(temp.resolve("home")).toBuilder().claudePath(fake.executable().toString())
        .limits(limits.apply(LimitsConfig.DEFAULT.toBuilder()).build()).taskQueue(queue).build();
    // Retention runs on the thread that passes a bound: what a test sees next is its result.
    return Ccs.builder(config).clock(clock).jobExecutor(Runnable::run)
        .environment(Map.of("PATH", System.getenv("PATH"))).build();
  }

  private Ccs ccs(UnaryOperator<LimitsConfig.Builder> limits) {
    return ccs(limits, TaskQueueConfig.DEFAULT);
  }

  private Session session(Ccs ccs, String metadataValue) {
    Session session = ccs.sessions().create("p", null, Json.object().put("v", metadataValue), null);
    clock.advance(Duration.ofSeconds(2)); // past the grace that protects a session just made
    return session;
  }

  @Test
  void beyondMaxStoredSessionsTheLeastRecentlyUsedGoWithTheirMessages() {
    try (Ccs ccs = ccs(l -> l.maxStoredSessions(10))) {
      List<Session> sessions = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        sessions.add(session(ccs, "s" + i));
      }
      // The oldest is used again: the second oldest is now the least recently used.
      ccs.sessions().continueSession(sessions.get(0).id(), "hello", RunOptions.NONE);
      assertThat(ccs.storage().messages().history(sessions.get(0).id())).hasSize(2);
      clock.advance(Duration.ofSeconds(2));

      Session eleventh = session(ccs, "s10");
      Session twelfth = session(ccs, "s11");

      assertThat(ccs.sessions().count()).isEqualTo(10);
      assertThat(ccs.sessions().find(sessions.get(1).id())).isEmpty();
      assertThat(ccs.sessions().find(sessions.get(2).id())).isEmpty();
      assertThat(ccs.sessions().find(sessions.get(0).id())).isPresent();
      assertThat(ccs.sessions().find(eleventh.id())).isPresent();
      assertThat(ccs.sessions().find(twelfth.id())).isPresent();
    }
  }

  @Test
  void theMetadataOfAllSessionsTogetherIsBoundedToo() {
    try (Ccs ccs = ccs(l -> l.maxMetadataBytes(1024).maxStoredMetadataBytes(3000))) {
      List<Session> sessions = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        sessions.add(session(ccs, String.valueOf(i).repeat(900)));
      }

      assertThat(ccs.storage().sessions().metadataBytes()).isLessThanOrEqualTo(3000);
      assertThat(sessions).filteredOn(s -> ccs.sessions().find(s.id()).isPresent()).extracting(Session::id)
          .containsExactly(sessions.get(2).id(), sessions.get(3).id(), sessions.get(4).id());
      assertThat(ccs.sessions().get(sessions.get(4).id()).metadata().path("v").asText()).isEqualTo("4".repeat(900));
    }
  }

  @Test
  void sessionsJustMadeOrAWaitingTaskRunsInAreKept() {
    try (Ccs ccs = ccs(l -> l.maxStoredSessions(10))) {
      // A task that cannot run yet (the queue is stopped) holds its session.
      ccs.tasks().close();
      Task waiting = ccs.tasks().submit(NewTask.of("later", 5), null).task();
      clock.advance(Duration.ofSeconds(2));
      for (int i = 0; i < 12; i++) {
        session(ccs, "s" + i);
      }
      assertThat(ccs.sessions().find(waiting.sessionId())).isPresent();
      assertThat(ccs.sessions().count()).isEqualTo(10);

      // Made within the grace: older ones make room, and past that they are kept until a second old.
      List<Session> burst = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        burst.add(ccs.sessions().create("p", null, Json.object(), null));
      }
      assertThat(burst).allSatisfy(s -> assertThat(ccs.sessions().find(s.id())).isPresent());
      assertThat(ccs.sessions().find(waiting.sessionId())).isPresent();
      assertThat(ccs.sessions().count()).isEqualTo(13);

      clock.advance(Duration.ofSeconds(2));
      assertThat(ccs.sessions().trimToLimits()).isEqualTo(3);
      assertThat(ccs.sessions().count()).isEqualTo(10);
      assertThat(ccs.sessions().find(waiting.sessionId())).isPresent();
    }
  }

  @Test
  void beyondMaxStoredTasksTheOldestFinishedGoWithTheirDeliveries() throws Exception {
    try (Ccs ccs = ccs(l -> l.maxStoredTasks(10), TaskQueueConfig.DEFAULT)) {
      List<Task> first = submitAndAwait(ccs, 5, null);
      UUID delivery = UUID.randomUUID();
      ccs.storage().deliveries().create(new Delivery(delivery, first.get(0).id(), "task.completed",
          "http://127.0.0.1:9/hook", "{}", clock.instant(), DeliveryStatus.DELIVERED, 1, null, clock.instant(),
          List.of(), 0));
      // Kept whatever the bound: a retry with its idempotency key must find it within the key's window.
      Task keyed = ccs.tasks().submit(NewTask.of("keyed", 5), "key-1").task();
      ccs.tasks().completion(keyed.id()).get(30, TimeUnit.SECONDS);

      List<Task> later = submitAndAwait(ccs, 10, null);

      // Removed off the thread of the finishing task, right after it: wait for that (real threads).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (ccs.storage().tasks().finishedCount() > 10 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(ccs.storage().tasks().finishedCount()).isEqualTo(10);
      assertThat(first).allSatisfy(t -> assertThat(ccs.storage().tasks().get(t.id())).isEmpty());
      assertThat(ccs.storage().tasks().get(keyed.id())).isPresent();
      assertThat(later.subList(1, 10)).allSatisfy(t -> assertThat(ccs.storage().tasks().get(t.id())).isPresent());
      assertThat(ccs.storage().deliveries().ofTask(first.get(0).id())).isEmpty();
      assertThat(ccs.tasks().submit(NewTask.of("keyed", 5), "key-1").task().id()).isEqualTo(keyed.id());
    }
  }

  private static List<Task> submitAndAwait(Ccs ccs, int count, String key) throws Exception {
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tasks.add(ccs.tasks().submit(NewTask.of("task " + i, 5), key).task());
    }
    for (Task task : tasks) {
      assertThat(ccs.tasks().completion(task.id()).get(30, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
    }
    return tasks;
  }
}
