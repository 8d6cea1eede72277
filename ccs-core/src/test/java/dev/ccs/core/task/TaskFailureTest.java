package dev.ccs.core.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ExecutionConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.exec.ClaudeExecutor;
import dev.ccs.core.exec.ClaudeRequest;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.message.MessageRequest;
import dev.ccs.core.process.Processes;
import dev.ccs.core.run.RunOptions;
import dev.ccs.testkit.FaultyLauncher;
import dev.ccs.testkit.ShellClaude;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No wedged state after a failure: a run whose reader or reaper fails still ends, its processes
 * are ended, its task reaches a final state, and a cancel is final when it is answered.
 */
@Timeout(120)
class TaskFailureTest {

  @TempDir
  Path temp;

  private Ccs ccs(ShellClaude fake, FaultyLauncher launcher) {
    CcsConfig config = CcsConfig.defaults(temp.resolve("home")).toBuilder().claudePath(fake.executable().toString())
        .taskQueue(TaskQueueConfig.of(1, Duration.ofMinutes(5)))
        .execution(ExecutionConfig.of(Duration.ofMinutes(5), Duration.ofSeconds(2)))
        .build();
    Ccs.Builder builder = Ccs.builder(config).environment(Map.of("PATH", System.getenv("PATH")));
    if (launcher != null) {
      builder.launcher(launcher);
    }
    return builder.build();
  }

  @Test
  void aTaskWhoseOutputReaderFailsEndsFailedItsProcessIsEndedAndTheQueueGoesOn() throws Exception {
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    FaultyLauncher launcher = new FaultyLauncher(FaultyLauncher.Fault.READER_FAILS);
    try (Ccs ccs = ccs(fake, launcher)) {
      Task task = ccs.tasks().submit(NewTask.of("wait:60000 never read", 5), null).task();

      Task done = ccs.tasks().completion(task.id()).get(30, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(done.errorCode()).isEqualTo("internal_error");
      ShellClaude.Run run = awaitRuns(fake, 1);
      awaitGone(run.pid());
      assertThat(ccs.tasks().status().running()).isEmpty();
      // The slot is free: the next task runs (and fails the same way, quickly).
      Task next = ccs.tasks().submit(NewTask.of("wait:60000 next", 5), null).task();
      assertThat(ccs.tasks().completion(next.id()).get(30, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.FAILED);
    }
  }

  @Test
  void aRunWhoseExitIsNeverSeenStillEndsAndHasNoProcessLeft() throws Exception {
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    FaultyLauncher launcher = new FaultyLauncher(FaultyLauncher.Fault.EXIT_NEVER_SEEN);
    Path work = Files.createDirectories(temp.resolve("work"));
    try (ClaudeExecutor executor = ClaudeExecutor.builder(fake.executable().toString())
        .baseEnvironment(Map.of("PATH", System.getenv("PATH")))
        .launcher(launcher)
        .exitGrace(Duration.ofMillis(300))
        .killGrace(Duration.ofMillis(300))
        .build()) {
      CompletableFuture<RunOutcome> outcome = CompletableFuture.supplyAsync(() ->
          executor.run(ClaudeRequest.builder("hello", work).build()));
      RunOutcome done = outcome.get(30, TimeUnit.SECONDS);
      // The result line was read: the answer stands, without an exit code.
      assertThat(done.status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(done.exitCode()).isNull();
      assertThat(executor.liveRuns()).isEmpty();
      awaitGone(awaitRuns(fake, 1).pid());
    }
  }

  @Test
  void cancellingATaskThatWaitsForItsSessionIsFinalAtOnce() throws Exception {
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    try (Ccs ccs = ccs(fake, null)) {
      UUID session = ccs.sessions().create("p", null, null, null).id();
      // A synchronous turn holds the session for a while.
      CompletableFuture<?> busy = CompletableFuture.runAsync(() ->
          ccs.sessions().continueSession(session, "wait:3000 busy", RunOptions.NONE));
      awaitRuns(fake, 1);
      Task task = ccs.tasks().submit(NewTask.builder("wait:0 queued").sessionId(session).build(), null).task();
      awaitStatus(ccs, task.id(), TaskStatus.PROCESSING);

      long start = System.nanoTime();
      Task cancelled = ccs.tasks().cancel(task.id());
      assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).as("answered without waiting for the "
          + "session").isLessThan(2);
      assertThat(ccs.tasks().get(task.id()).status()).isEqualTo(TaskStatus.CANCELLED);

      busy.get(30, TimeUnit.SECONDS);
      // Once the session is free the cancelled task does not run.
      ccs.send(MessageRequest.of("after"));
      assertThat(fake.runs()).extracting(ShellClaude.Run::sessionId).filteredOn(session.toString()::equals).hasSize(1);
      assertThat(ccs.tasks().get(task.id()).status()).isEqualTo(TaskStatus.CANCELLED);
    }
  }

  private static ShellClaude.Run awaitRuns(ShellClaude fake, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (fake.runs().size() < count) {
      assertThat(System.nanoTime()).as("the fake CLI never started").isLessThan(deadline);
      Thread.sleep(10);
    }
    return fake.runs().get(count - 1);
  }

  private static void awaitGone(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Processes.isRunning(pid)) {
      assertThat(System.nanoTime()).as("process %d still runs", pid).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static void awaitStatus(Ccs ccs, UUID id, TaskStatus status) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ccs.tasks().get(id).status() != status) {
      assertThat(System.nanoTime()).as("task never became %s", status).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
