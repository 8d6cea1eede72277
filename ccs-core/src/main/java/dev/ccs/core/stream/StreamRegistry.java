package dev.ccs.core.stream;

import dev.ccs.core.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The streams of recent turns: each is kept while it runs and for a while after, so that clients
 * can reconnect and read its end, then forgotten (a memory leak of the Node server, #37).
 */
public final class StreamRegistry {

  private final Map<String, RunStream> streams = new ConcurrentHashMap<>();
  private final Map<UUID, RunStream> latestBySession = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Scheduler scheduler;
  private final Duration retention;
  private final int maxEvents;
  private final long maxBytes;

  /**
   * @param retention how long a finished stream stays readable
   * @param maxEvents events kept per stream (older ones are dropped first)
   * @param maxBytes bytes of event data kept per stream
   */
  public StreamRegistry(Clock clock, Scheduler scheduler, Duration retention, int maxEvents, long maxBytes) {
    this.clock = clock;
    this.scheduler = scheduler;
    this.retention = retention;
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /** A new stream of {@code sessionId}, with {@code cancel} to stop its turn. */
  public RunStream open(UUID sessionId, Runnable cancel) {
    String id = "stream_" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    RunStream stream = detached(id, sessionId);
    stream.onCancel(cancel);
    streams.put(id, stream);
    latestBySession.put(sessionId, stream);
    return stream;
  }

  /**
   * A stream kept by its caller rather than by this registry (a task's events), with the
   * registry's bounds.
   */
  public RunStream detached(String id, UUID sessionId) {
    return new RunStream(id, sessionId, clock.instant(), maxEvents, maxBytes);
  }

  /** Ends a stream and schedules its removal after the retention period. */
  public void finish(RunStream stream, StreamStatus outcome, String eventName, String data) {
    stream.finish(outcome, eventName, data, clock.instant());
    scheduler.schedule(retention, () -> forget(stream));
  }

  private void forget(RunStream stream) {
    streams.remove(stream.id(), stream);
    latestBySession.remove(stream.sessionId(), stream);
  }

  public Optional<RunStream> get(String streamId) {
    return Optional.ofNullable(streams.get(streamId));
  }

  /** The session's most recent stream that is still kept. */
  public Optional<RunStream> latest(UUID sessionId) {
    return Optional.ofNullable(latestBySession.get(sessionId));
  }

  /** Streams kept now (running or recently finished). */
  public int size() {
    return streams.size();
  }

  Instant now() {
    return clock.instant();
  }
}
