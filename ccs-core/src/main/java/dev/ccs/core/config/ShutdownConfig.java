package dev.ccs.core.config;

import java.time.Duration;

/**
 * How the server stops on SIGTERM.
 *
 * @param grace config {@code shutdown.graceMs}: how long running turns and tasks may go on finishing
 *     after the server stops accepting requests; what still runs then is ended (its process tree)
 *     and its task recorded as interrupted, requeued or failed per {@code taskQueue.onInterrupted}
 */
public record ShutdownConfig(Duration grace) {

  public static final ShutdownConfig DEFAULT = new ShutdownConfig(Duration.ofSeconds(30));

  public ShutdownConfig {
    Checks.range("shutdown.graceMs", grace.toMillis(), 0, Duration.ofHours(1).toMillis());
  }
}
