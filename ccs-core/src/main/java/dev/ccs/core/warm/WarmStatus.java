package dev.ccs.core.warm;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The warm pool at one moment, for {@code /health}, {@code /metrics} and a session's status.
 *
 * @param live warm processes alive (busy and idle)
 * @param busy those serving a turn now
 * @param rssBytes their summed resident memory, with what they started, as read after their last turns
 * @param warmTurns turns answered by a process that was already running
 * @param coldTurns session turns that started a CLI (a {@code -p} run, or the first turn of a new warm process)
 * @param warmLatency durations of recent warm turns
 * @param coldLatency durations of recent cold turns
 * @param evicted processes ended to make room (count or memory)
 * @param expired processes ended after {@code idleMs} unused
 * @param crashed processes that exited by themselves
 * @param processes each live process
 */
public record WarmStatus(int live, int busy, long rssBytes, long warmTurns, long coldTurns, Latency warmLatency,
    Latency coldLatency, long evicted, long expired, long crashed, List<Process> processes) {

  public WarmStatus {
    processes = List.copyOf(processes);
  }

  /**
   * One warm process.
   *
   * @param state {@code idle} or {@code busy}
   * @param turns turns it has served
   * @param idleFor since its last turn ended (zero while busy)
   */
  public record Process(UUID sessionId, long pid, String state, int turns, long rssBytes, Duration idleFor) {
  }

  /** Percentiles of recent durations (the last {@value LatencyWindow#SIZE}); zero without any. */
  public record Latency(long count, Duration p50, Duration p99) {
  }
}
