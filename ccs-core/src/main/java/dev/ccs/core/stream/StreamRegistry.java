package dev.ccs.core.stream;

import dev.ccs.core.error.CcsException;
import dev.ccs.core.config.StreamingConfig;
import dev.ccs.core.time.Cancellable;
import dev.ccs.core.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streams of recent turns and tasks: each is kept while it runs and for a while after, so that
 * clients can reconnect and read its end, then forgotten (a memory leak of the Node server, #37).
 * What they hold is bounded: each stream by its event and byte limits, the finished ones together
 * by {@code streaming.maxRetainedBytes} (the oldest finished stream is forgotten first, before its
 * retention is over, when a newer one needs the room), and the clients reading them by
 * {@code streaming.maxClients}.
 */
public final class StreamRegistry {

  /** What a client refused for too many open streams is told to wait. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  /**
   * A finished stream kept for its retention, what forgetting it involves, and its retention timer
   * (cancelled when it is forgotten early: a pending timer would keep the stream reachable).
   */
  private static final class Retired {
    final RunStream stream;
    final long bytes;
    final Runnable onForget;
    Cancellable timer;

    Retired(RunStream stream, long bytes, Runnable onForget) {
      this.stream = stream;
      this.bytes = bytes;
      this.onForget = onForget;
    }
  }

  private final Map<String, RunStream> streams = new ConcurrentHashMap<>();
  private final Map<UUID, RunStream> latestBySession = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Scheduler scheduler;
  private final StreamingConfig config;
  private final Object retiredLock = new Object();
  // Guarded by retiredLock.
  private final Set<Retired> retired = new LinkedHashSet<>();
  private long retainedBytes;
  private final AtomicInteger clients = new AtomicInteger();
  private final String idSuffix;

  public StreamRegistry(Clock clock, Scheduler scheduler, StreamingConfig config) {
    this(clock, scheduler, config, "");
  }

  /**
   * @param idSuffix what every stream id ends with: a node's tag when several nodes share a store,
   *     so that any of them finds the node that has a stream; empty otherwise
   */
  public StreamRegistry(Clock clock, Scheduler scheduler, StreamingConfig config, String idSuffix) {
    this.clock = clock;
    this.scheduler = scheduler;
    this.config = config;
    this.idSuffix = idSuffix;
  }

  /** A new stream of {@code sessionId}, with {@code cancel} to stop its turn. */
  public RunStream open(UUID sessionId, Runnable cancel) {
    String id = "stream_" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE) + idSuffix;
    RunStream stream = detached(id, sessionId);
    stream.onCancel(cancel);
    streams.put(id, stream);
    latestBySession.put(sessionId, stream);
    return stream;
  }

  /**
   * A stream kept by its caller rather than by this registry (a task's events), with the
   * registry's bounds; hand it to {@link #finish(RunStream, StreamStatus, String, String, Runnable)}
   * or {@link #retire} when it ends.
   */
  public RunStream detached(String id, UUID sessionId) {
    return new RunStream(id, sessionId, clock.instant(), config.maxBufferedEvents(), config.maxBufferedBytes());
  }

  /** Ends a stream of {@link #open} and keeps it for the retention period (or until room is needed). */
  public void finish(RunStream stream, StreamStatus outcome, String eventName, String data) {
    finish(stream, outcome, eventName, data, () -> { });
  }

  /**
   * Ends a stream and keeps it for the retention period (or until room is needed);
   * {@code onForget} runs when it is forgotten (a detached stream's owner drops it then).
   */
  public void finish(RunStream stream, StreamStatus outcome, String eventName, String data, Runnable onForget) {
    stream.finish(outcome, eventName, data, clock.instant());
    retire(stream, onForget);
  }

  /** Keeps a finished stream for the retention period, within the retained-bytes budget. */
  public void retire(RunStream stream, Runnable onForget) {
    Retired entry = new Retired(stream, stream.bufferedBytes(), onForget);
    synchronized (retiredLock) {
      retired.add(entry);
      retainedBytes += entry.bytes;
      entry.timer = scheduler.schedule(config.retention(), () -> {
        synchronized (retiredLock) {
          forget(entry);
        }
      });
      while (retainedBytes > config.maxRetainedBytes() && retired.size() > 1) {
        forget(retired.iterator().next());
      }
    }
  }

  /** Called with retiredLock held; does nothing for a stream already forgotten. */
  private void forget(Retired entry) {
    if (!retired.remove(entry)) {
      return;
    }
    retainedBytes -= entry.bytes;
    entry.timer.cancel();
    RunStream stream = entry.stream;
    streams.remove(stream.id(), stream);
    latestBySession.remove(stream.sessionId(), stream);
    entry.onForget.run();
  }

  public Optional<RunStream> get(String streamId) {
    return Optional.ofNullable(streams.get(streamId));
  }

  /** The session's most recent stream that is still kept. */
  public Optional<RunStream> latest(UUID sessionId) {
    return Optional.ofNullable(latestBySession.get(sessionId));
  }

  /** Streams kept now (running or recently finished) of {@link #open}. */
  public int size() {
    return streams.size();
  }

  /** Bytes of events kept by finished streams. */
  public long retainedBytes() {
    synchronized (retiredLock) {
      return retainedBytes;
    }
  }

  /**
   * Registers a client that reads a stream; close it when the client is gone.
   *
   * @throws CcsException.Overloaded when {@code streaming.maxClients} already read
   */
  public Client attach() {
    if (clients.incrementAndGet() > config.maxClients()) {
      clients.decrementAndGet();
      throw new CcsException.Overloaded("too_many_streams", config.maxClients() + " clients are reading streams "
          + "already (streaming.maxClients); try again shortly", RETRY_AFTER);
    }
    return new Client();
  }

  /** Clients reading streams now. */
  public int clients() {
    return clients.get();
  }

  /** A reading client's place; closing it twice is harmless. */
  public final class Client implements AutoCloseable {
    private boolean closed;

    private Client() {
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        clients.decrementAndGet();
      }
    }
  }

  Instant now() {
    return clock.instant();
  }
}
