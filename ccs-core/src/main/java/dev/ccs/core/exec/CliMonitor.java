package dev.ccs.core.exec;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Knows whether the CLI can be run, without probing on every question: the status is probed at
 * start and again when it is asked for after a failure ({@link #invalidate()}) or when an
 * unavailable status is older than a few seconds (someone may have installed the CLI since).
 */
public final class CliMonitor {

  private static final Duration RECHECK_UNAVAILABLE = Duration.ofSeconds(5);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(15);

  private final String claudePath;
  private final Map<String, String> environment;
  private final Clock clock;
  private volatile CliStatus status;

  public CliMonitor(String claudePath, Map<String, String> environment, Clock clock) {
    this.claudePath = claudePath;
    this.environment = Map.copyOf(environment);
    this.clock = clock;
  }

  /** The last known status, probing first if there is none or it is a stale "unavailable". */
  public CliStatus status() {
    CliStatus current = status;
    if (current == null || (!current.available()
        && Duration.between(current.checkedAt(), clock.instant()).compareTo(RECHECK_UNAVAILABLE) >= 0)) {
      return refresh();
    }
    return current;
  }

  /** Probes now. */
  public synchronized CliStatus refresh() {
    status = ClaudeCli.probe(claudePath, environment, PROBE_TIMEOUT, clock);
    return status;
  }

  /** Forgets the status (a run just failed to start), so the next question probes again. */
  public void invalidate() {
    status = null;
  }
}
