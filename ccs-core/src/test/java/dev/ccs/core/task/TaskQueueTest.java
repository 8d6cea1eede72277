package dev.ccs.core.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.process.Processes;
import dev.ccs.core.testing.ManualScheduler;
import dev.ccs.core.testing.MutableClock;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import dev.ccs.testkit.ShellClaude;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The queue embedded, without HTTP: volume, and its time-based rules on a virtual clock. */
@Timeout(180)
class TaskQueueTest {

  @TempDir
  Path temp;

  private final MutableClock clock = MutableClock.startingAt("2026-11-23T09:00:00Z");
  private final ManualScheduler scheduler = new ManualScheduler(clock);

  private Ccs ccs(Path claude, TaskQueueConfig queue, UnaryOperator<Ccs.Builder> builder) {
    CcsConfig config = CcsConfig.defaults(temp.resolve("home")).toBuilder().claudePath(claude.toString())
        .taskQueue(queue).build();
    return builder.apply(Ccs.builder(config).environment(Map.of("PATH", System.getenv("PATH")))).build();
  }

  /** On the virtual clock: nothing time-based happens until the test advances it. */
  private Ccs virtual(Path claude, TaskQueueConfig queue) {
    return ccs(claude, queue, b -> b.clock(clock).scheduler(scheduler).ticker(scheduler).jobExecutor(Runnable::run));
  }

  @Test
  void aThousandInstantTasksAllCompleteWithNeverMoreThanThreeRunning() throws Exception {
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    try (Ccs ccs = ccs(fake.executable(), new TaskQueueConfig(3, Duration.ofMinutes(5), 0, Duration.ofSeconds(1), true),
        b -> b)) {
      long start = System.nanoTime();
      List<Task> submitted = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        submitted.add(ccs.tasks().submit(NewTask.of("task " + i, 1 + i % 10), null).task());
      }
      for (Task task : submitted) {
        Task done = ccs.tasks().completion(task.id()).get(120, TimeUnit.SECONDS);
        assertThat(done.status()).as("task %s", done).isEqualTo(TaskStatus.COMPLETED);
        assertThat(done.result()).isEqualTo("ok");
      }
      System.out.printf("1000 tasks with an instant CLI at concurrency 3: %d ms%n",
          (System.nanoTime() - start) / 1_000_000);
      assertThat(ccs.tasks().status().counts()).containsEntry(TaskStatus.COMPLETED, 1000);
    }

    List<ShellClaude.Run> runs = fake.runs();
    assertThat(fake.overlaps()).isEmpty();
    assertThat(runs).hasSize(1000);
    assertThat(runs.stream().map(ShellClaude.Run::sessionId).collect(Collectors.toSet())).hasSize(1000);
    assertThat(fake.maxRunningAtOnce()).isLessThanOrEqualTo(3);
  }

  @Test
  void aRetryWaitsForItsBackoffOnTheInjectedClockAndKeepsItsPriority() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);
    fake.enqueue(FakeReply.script().line("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,"
        + "\"api_error_status\":529,\"result\":\"API Error: 529 overloaded\",\"total_cost_usd\":0.002}").exitCode(1));
    try (Ccs ccs = virtual(fake.executable(), new TaskQueueConfig(1, Duration.ofMinutes(5), 1, Duration.ofSeconds(10),
        true))) {
      Task task = ccs.tasks().submit(NewTask.of("flaky", 8), null).task();
      awaitAttempts(ccs, task.id(), 1);
      Task waiting = ccs.tasks().get(task.id());
      assertThat(waiting.status()).isEqualTo(TaskStatus.PENDING);
      assertThat(waiting.errorCode()).isEqualTo("api_error");
      // Between half and all of the 10 s backoff.
      assertThat(Duration.between(clock.instant(), waiting.notBefore())).isBetween(Duration.ofSeconds(5),
          Duration.ofSeconds(10));
      // The retry is scheduled just after its state is stored: wait for it before moving time.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (scheduler.dueTimes().stream().noneMatch(d -> d.compareTo(Duration.ofSeconds(5)) >= 0
          && d.compareTo(Duration.ofSeconds(10)) <= 0)) {
        assertThat(System.nanoTime()).as("the retry was never scheduled: %s", scheduler.dueTimes())
            .isLessThan(deadline);
        Thread.sleep(5);
      }

      scheduler.advance(Duration.ofMillis(4_999));
      assertThat(fake.invocationCount()).isEqualTo(1);
      scheduler.advance(Duration.ofSeconds(6));

      Task done = ccs.tasks().completion(task.id()).get(60, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(done.attempts()).isEqualTo(2);
      assertThat(done.priority()).isEqualTo(8);
      assertThat(fake.invocationCount()).isEqualTo(2);
    }
  }

  @Test
  void idempotencyKeysAreKeptForADay() throws Exception {
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    try (Ccs ccs = virtual(fake.executable(), TaskQueueConfig.DEFAULT)) {
      TaskQueue.Submitted first = ccs.tasks().submit(NewTask.of("once", 5), "key-1");
      ccs.tasks().completion(first.task().id()).get(60, TimeUnit.SECONDS);

      clock.advance(Duration.ofHours(23));
      TaskQueue.Submitted again = ccs.tasks().submit(NewTask.of("once", 5), "key-1");
      assertThat(again.created()).isFalse();
      assertThat(again.task().id()).isEqualTo(first.task().id());

      clock.advance(Duration.ofHours(1).plusSeconds(1));
      TaskQueue.Submitted later = ccs.tasks().submit(NewTask.of("once", 5), "key-1");
      assertThat(later.created()).isTrue();
      assertThat(later.task().id()).isNotEqualTo(first.task().id());
      ccs.tasks().completion(later.task().id()).get(60, TimeUnit.SECONDS);
    }
    assertThat(fake.runs()).hasSize(2);
  }

  @Test
  void theOldestWaitingAgeFollowsTheClockAndCancelEndsTheRunningProcess() throws Exception {
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 60_000);
    try (Ccs ccs = virtual(fake.executable(), new TaskQueueConfig(1, Duration.ofMinutes(5), 0, Duration.ofSeconds(1),
        true))) {
      Task blocker = ccs.tasks().submit(NewTask.of("slow blocker", 5), null).task();
      awaitRunStarted(fake, 1);
      clock.advance(Duration.ofSeconds(30));
      Task waiting = ccs.tasks().submit(NewTask.of("waiting", 5), null).task();
      clock.advance(Duration.ofSeconds(90));

      QueueStatus status = ccs.tasks().status();
      assertThat(status.oldestPendingAge()).isEqualTo(Duration.ofSeconds(90));
      assertThat(status.running()).containsExactly(blocker.id());
      assertThat(status.counts()).containsEntry(TaskStatus.PENDING, 1).containsEntry(TaskStatus.PROCESSING, 1);

      Task cancelled = ccs.tasks().cancel(blocker.id());
      assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
      ShellClaude.Run run = fake.runs().get(0);
      assertThat(run.terminated()).as("the run was ended by SIGTERM").isTrue();
      assertThat(Processes.isRunning(run.pid())).isFalse();

      assertThat(ccs.tasks().completion(waiting.id()).get(60, TimeUnit.SECONDS).status())
          .isEqualTo(TaskStatus.COMPLETED);
      assertThat(ccs.tasks().status().oldestPendingAge()).isNull();
    }
  }

  private static void awaitAttempts(Ccs ccs, UUID id, int attempts) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Task task = ccs.tasks().get(id);
      if (task.attempts() >= attempts && task.status() != TaskStatus.PROCESSING) {
        return;
      }
      assertThat(System.nanoTime()).as("task %s never finished attempt %d", task, attempts).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static void awaitRunStarted(ShellClaude fake, int runs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (fake.runs().size() < runs) {
      assertThat(System.nanoTime()).as("the fake CLI never started").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
