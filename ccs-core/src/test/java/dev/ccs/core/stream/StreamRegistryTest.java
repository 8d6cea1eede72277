package dev.ccs.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccs.core.error.CcsException;
import dev.ccs.core.config.StreamingConfig;
import dev.ccs.core.testing.ManualScheduler;
import dev.ccs.core.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bounds on what streams hold, on a virtual clock. */
class StreamRegistryTest {

  private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
  private final ManualScheduler scheduler = new ManualScheduler(clock);

  private StreamRegistry registry(int maxRetainedBytes, int maxClients) {
    return new StreamRegistry(clock, scheduler, StreamingConfig.DEFAULT.toBuilder().retention(Duration.ofMinutes(10))
        .maxBufferedBytes(64 * 1024).maxRetainedBytes(maxRetainedBytes).maxClients(maxClients).build());
  }

  private static RunStream finishedWith(StreamRegistry registry, int bytes) {
    RunStream stream = registry.open(UUID.randomUUID(), () -> { });
    stream.publish("x".repeat(bytes), null);
    registry.finish(stream, StreamStatus.COMPLETED, "done", "{}");
    return stream;
  }

  @Test
  void finishedStreamsShareARetainedBudgetAndTheOldestGoFirst() {
    StreamRegistry registry = registry(25_000, 10);
    List<RunStream> streams = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      streams.add(finishedWith(registry, 10_000));
    }
    // Five streams of ~10 kB do not fit 25 kB: only the two newest are kept, well before their retention.
    assertThat(registry.retainedBytes()).isLessThanOrEqualTo(25_000);
    assertThat(streams.subList(0, 3)).allSatisfy(s -> assertThat(registry.get(s.id())).isEmpty());
    assertThat(streams.subList(3, 5)).allSatisfy(s -> assertThat(registry.get(s.id())).isPresent());

    scheduler.advance(Duration.ofMinutes(10));
    assertThat(registry.size()).isZero();
    assertThat(registry.retainedBytes()).isZero();
  }

  @Test
  void aDetachedStreamsOwnerHearsWhenItIsForgotten() {
    StreamRegistry registry = registry(15_000, 10);
    AtomicInteger forgotten = new AtomicInteger();
    RunStream task = registry.detached("task_1", UUID.randomUUID());
    task.publish("y".repeat(10_000), null);
    registry.finish(task, StreamStatus.COMPLETED, "done", "{}", forgotten::incrementAndGet);
    assertThat(forgotten).hasValue(0);
    finishedWith(registry, 10_000); // needs the room
    assertThat(forgotten).hasValue(1);
  }

  @Test
  void theStreamedTextStopsGrowingAtTheStreamsLimit() {
    StreamRegistry registry = registry(1 << 20, 10);
    RunStream stream = registry.open(UUID.randomUUID(), () -> { });
    for (int i = 0; i < 100; i++) {
      stream.publish("{}", "z".repeat(1000));
    }
    assertThat(stream.content().length()).isLessThanOrEqualTo(64 * 1024);
    assertThat(stream.contentTruncated()).isTrue();
  }

  @Test
  void readersAreCountedAndOneTooManyIsRefused() {
    StreamRegistry registry = registry(1 << 20, 2);
    StreamRegistry.Client a = registry.attach();
    StreamRegistry.Client b = registry.attach();
    assertThatThrownBy(registry::attach).isInstanceOfSatisfying(CcsException.Overloaded.class,
        e -> assertThat(e.code()).isEqualTo("too_many_streams"));
    a.close();
    a.close(); // twice is harmless
    assertThat(registry.clients()).isEqualTo(1);
    registry.attach().close();
    b.close();
    assertThat(registry.clients()).isZero();
  }
}
