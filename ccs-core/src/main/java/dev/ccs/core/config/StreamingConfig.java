package dev.ccs.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Server-sent event streams of turns and tasks. Not in the Node server's config; every key has a
 * default. Memory held by streams is bounded by these: a running stream keeps at most
 * {@code maxBufferedEvents} and {@code maxBufferedBytes}, and finished ones kept for reconnecting
 * clients share {@code maxRetainedBytes} (the oldest finished streams are forgotten first).
 *
 * @param heartbeat interval of the keep-alive comment, config {@code streaming.heartbeatMs}; it is also
 *     how a client that went away is noticed (the write after its close fails), within two intervals
 * @param retention how long a finished stream stays readable for reconnecting clients, config
 *     {@code streaming.retentionMs}
 * @param maxBufferedEvents events kept per stream for replay, config {@code streaming.maxBufferedEvents}
 * @param maxBufferedBytes bytes of events (and of streamed text) kept per stream, config
 *     {@code streaming.maxBufferedBytes}
 * @param cancelOnDisconnect whether a turn is cancelled when its last client disconnects, config
 *     {@code streaming.cancelOnDisconnect}; by default it runs on and its result is stored
 * @param maxClients clients reading streams at once (over SSE), config {@code streaming.maxClients};
 *     one more is refused with 503
 * @param maxRetainedBytes bytes of events kept by all finished streams together, config
 *     {@code streaming.maxRetainedBytes}
 */
public record StreamingConfig(Duration heartbeat, Duration retention, int maxBufferedEvents, int maxBufferedBytes,
    boolean cancelOnDisconnect, int maxClients, int maxRetainedBytes) {

  public static final StreamingConfig DEFAULT = new StreamingConfig(Duration.ofSeconds(5), Duration.ofMinutes(10),
      10_000, 256 * 1024, false, 256, 8 * 1024 * 1024);

  public StreamingConfig {
    Checks.positive("streaming.heartbeatMs", heartbeat);
    Checks.positive("streaming.retentionMs", retention);
    Checks.range("streaming.maxBufferedEvents", maxBufferedEvents, 10, 10_000_000);
    Checks.range("streaming.maxBufferedBytes", maxBufferedBytes, 64 * 1024, Integer.MAX_VALUE);
    Checks.range("streaming.maxClients", maxClients, 1, 1_000_000);
    Checks.range("streaming.maxRetainedBytes", maxRetainedBytes, 0, Integer.MAX_VALUE);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Copies a config with some values changed; {@link #build()} validates like the constructor. */
  public static final class Builder {
    private Duration heartbeat;
    private Duration retention;
    private int maxBufferedEvents;
    private int maxBufferedBytes;
    private boolean cancelOnDisconnect;
    private int maxClients;
    private int maxRetainedBytes;

    private Builder(StreamingConfig c) {
      heartbeat = c.heartbeat;
      retention = c.retention;
      maxBufferedEvents = c.maxBufferedEvents;
      maxBufferedBytes = c.maxBufferedBytes;
      cancelOnDisconnect = c.cancelOnDisconnect;
      maxClients = c.maxClients;
      maxRetainedBytes = c.maxRetainedBytes;
    }

    public Builder heartbeat(Duration value) { heartbeat = Objects.requireNonNull(value); return this; }
    public Builder retention(Duration value) { retention = Objects.requireNonNull(value); return this; }
    public Builder maxBufferedEvents(int value) { maxBufferedEvents = value; return this; }
    public Builder maxBufferedBytes(int value) { maxBufferedBytes = value; return this; }
    public Builder cancelOnDisconnect(boolean value) { cancelOnDisconnect = value; return this; }
    public Builder maxClients(int value) { maxClients = value; return this; }
    public Builder maxRetainedBytes(int value) { maxRetainedBytes = value; return this; }

    public StreamingConfig build() {
      return new StreamingConfig(heartbeat, retention, maxBufferedEvents, maxBufferedBytes, cancelOnDisconnect,
          maxClients, maxRetainedBytes);
    }
  }
}
