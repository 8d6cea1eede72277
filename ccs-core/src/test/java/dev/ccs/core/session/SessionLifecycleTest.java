package dev.ccs.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.config.StreamingConfig;
import dev.ccs.core.stream.RunStream;
import dev.ccs.core.stream.StreamRegistry;
import dev.ccs.core.stream.StreamStatus;
import dev.ccs.core.task.NewTask;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskStatus;
import dev.ccs.core.testing.ManualScheduler;
import dev.ccs.core.testing.MutableClock;
import dev.ccs.testkit.FakeClaude;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Time-driven behaviour of sessions and streams, on a virtual clock: nothing here sleeps. */
@Timeout(60)
class SessionLifecycleTest {

  @TempDir
  Path temp;

  private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
  private final ManualScheduler scheduler = new ManualScheduler(clock);

  private Ccs ccs(int retentionDays) {
    FakeClaude fake = FakeClaude.create(temp);
    CcsConfig config = CcsConfig.defaults(temp.resolve("home")).toBuilder().claudePath(fake.executable().toString())
        .sessionRetentionDays(retentionDays).build();
    return Ccs.builder(config).clock(clock).scheduler(scheduler).jobExecutor(Runnable::run)
        .environment(Map.of("PATH", System.getenv("PATH"))).build();
  }

  /** Seed defect #31: retention was configured but nothing ever ran it. */
  @Test
  void sessionsUnusedForLongerThanTheRetentionAreRemovedByTheScheduledJob() throws Exception {
    try (Ccs ccs = ccs(30)) {
      Session old = ccs.sessions().create("old", null, Json.object(), null);
      ccs.sessions().continueSession(old.id(), "hello", RunOptions.NONE);
      clock.advance(Duration.ofDays(20));
      Session recent = ccs.sessions().create("recent", null, Json.object(), null);

      // Day 30 and 59 minutes: not yet due (the job runs hourly), and the old one is not yet 30 days old.
      scheduler.advance(Duration.ofDays(10).minusMinutes(1));
      assertThat(ccs.sessions().find(old.id())).isPresent();

      scheduler.advance(Duration.ofHours(2));

      assertThat(ccs.sessions().find(old.id())).isEmpty();
      assertThat(ccs.storage().messages().history(old.id())).isEmpty();
      assertThat(ccs.sessions().find(recent.id())).isPresent();
    }
  }

  @Test
  void zeroRetentionKeepsEverything() {
    try (Ccs ccs = ccs(0)) {
      Session session = ccs.sessions().create("p", null, Json.object(), null);
      clock.advance(Duration.ofDays(3650));
      scheduler.advance(Duration.ofHours(2));
      assertThat(ccs.sessions().find(session.id())).isPresent();
    }
  }

  @Test
  void tasksFinishedLongerAgoThanTheRetentionAreRemovedByTheScheduledJob() throws Exception {
    try (Ccs ccs = ccs(30)) {
      Task old = ccs.tasks().submit(NewTask.of("old task", 5), null).task();
      assertThat(ccs.tasks().completion(old.id()).get(30, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
      clock.advance(Duration.ofDays(20));
      Task recent = ccs.tasks().submit(NewTask.of("recent task", 5), null).task();
      ccs.tasks().completion(recent.id()).get(30, TimeUnit.SECONDS);

      scheduler.advance(Duration.ofDays(10).plusHours(1));

      assertThat(ccs.tasks().find(old.id())).isEmpty();
      assertThat(ccs.tasks().find(recent.id())).isPresent();
      assertThat(ccs.tasks().purgeOlderThan(clock.instant().minus(Duration.ofDays(30)))).isZero();
    }
  }

  @Test
  void finishedStreamsAreForgottenOnlyAfterTheirRetention() throws Exception {
    StreamRegistry registry = new StreamRegistry(clock, scheduler, StreamingConfig.DEFAULT.toBuilder()
        .retention(Duration.ofMinutes(10)).maxBufferedEvents(100).maxBufferedBytes(1 << 20).build());
    UUID session = UUID.randomUUID();
    RunStream stream = registry.open(session, () -> { });
    stream.publish("{\"type\":\"system\"}", null);
    registry.finish(stream, StreamStatus.COMPLETED, "done", "{}");

    scheduler.advance(Duration.ofMinutes(9));
    assertThat(registry.get(stream.id())).isPresent();
    assertThat(registry.latest(session)).contains(stream);

    scheduler.advance(Duration.ofMinutes(1));
    assertThat(registry.get(stream.id())).isEmpty();
    assertThat(registry.latest(session)).isEmpty();
  }

  @Test
  void aBoundedStreamDropsTheOldestEventsButNeverTheEnd() throws Exception {
    StreamRegistry registry = new StreamRegistry(clock, scheduler, StreamingConfig.DEFAULT.toBuilder()
        .retention(Duration.ofMinutes(10)).maxBufferedEvents(10).maxBufferedBytes(1 << 20).build());
    RunStream stream = registry.open(UUID.randomUUID(), () -> { });
    for (int i = 1; i <= 25; i++) {
      stream.publish("{\"n\":" + i + "}", "x");
    }
    registry.finish(stream, StreamStatus.COMPLETED, "done", "{}");

    RunStream.Batch batch = stream.next(0, 0, TimeUnit.MILLISECONDS);

    assertThat(batch.missed()).isEqualTo(16);
    assertThat(batch.items()).hasSize(10);
    assertThat(batch.items().get(0).id()).isEqualTo(17);
    assertThat(batch.items().get(9).name()).isEqualTo("done");
    assertThat(stream.content()).hasSize(25);
  }
}
