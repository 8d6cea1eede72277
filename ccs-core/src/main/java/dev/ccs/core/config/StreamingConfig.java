package dev.ccs.core.config;

import java.time.Duration;

/**
 * Server-sent event streams of turns. Not in the Node server's config; every key has a default.
 *
 * @param heartbeat interval of the keep-alive comment, config {@code streaming.heartbeatMs}
 * @param retention how long a finished stream stays readable for reconnecting clients, config
 *     {@code streaming.retentionMs}
 * @param maxBufferedEvents events kept per stream for replay, config {@code streaming.maxBufferedEvents}
 * @param maxBufferedBytes bytes of events kept per stream, config {@code streaming.maxBufferedBytes}
 * @param cancelOnDisconnect whether a turn is cancelled when its last client disconnects, config
 *     {@code streaming.cancelOnDisconnect}; by default it runs on and its result is stored
 */
public record StreamingConfig(Duration heartbeat, Duration retention, int maxBufferedEvents, int maxBufferedBytes,
    boolean cancelOnDisconnect) {

  public static final StreamingConfig DEFAULT =
      new StreamingConfig(Duration.ofSeconds(15), Duration.ofMinutes(10), 10_000, 32 * 1024 * 1024, false);

  public StreamingConfig {
    Checks.positive("streaming.heartbeatMs", heartbeat);
    Checks.positive("streaming.retentionMs", retention);
    Checks.range("streaming.maxBufferedEvents", maxBufferedEvents, 10, 10_000_000);
    Checks.range("streaming.maxBufferedBytes", maxBufferedBytes, 64 * 1024, Integer.MAX_VALUE);
  }
}
