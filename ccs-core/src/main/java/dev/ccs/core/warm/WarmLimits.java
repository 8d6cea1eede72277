package dev.ccs.core.warm;

import dev.ccs.core.config.WarmSessionsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pool's bounds as a decision over its processes: which idle ones end, least recently used
 * first, so that the count stays within {@code maxWarm} and the summed resident memory within
 * {@code memoryBudgetMb}. A busy process is never chosen (its turn runs on).
 */
final class WarmLimits {

  private final int maxWarm;
  private final long budgetBytes;

  WarmLimits(WarmSessionsConfig config) {
    maxWarm = config.maxWarm();
    budgetBytes = config.memoryBudgetMb() * 1024L * 1024L;
  }

  /**
   * The processes to end before one more starts.
   *
   * @param lru the live processes, least recently used first
   * @param rss each one's resident memory
   * @param expected what the new one will take (the largest seen so far)
   * @return the processes to end, or null when the new one cannot fit (the processes in its way are busy)
   */
  List<WarmProcess> toStart(List<WarmProcess> lru, Map<WarmProcess, Long> rss, long expected) {
    List<WarmProcess> victims = new ArrayList<>();
    int count = lru.size();
    long total = sum(rss);
    for (WarmProcess candidate : lru) {
      if (count < maxWarm && total + expected <= budgetBytes) {
        return victims;
      }
      if (candidate.state() == WarmProcess.State.IDLE) {
        victims.add(candidate);
        count--;
        total -= rss.getOrDefault(candidate, 0L);
      }
    }
    return count < maxWarm && total + expected <= budgetBytes ? victims : null;
  }

  /** The idle processes to end, least recently used first, until the rest fit the memory budget. */
  List<WarmProcess> overBudget(List<WarmProcess> lru, Map<WarmProcess, Long> rss) {
    List<WarmProcess> victims = new ArrayList<>();
    long total = sum(rss);
    for (WarmProcess candidate : lru) {
      if (total <= budgetBytes) {
        break;
      }
      if (candidate.state() == WarmProcess.State.IDLE) {
        victims.add(candidate);
        total -= rss.getOrDefault(candidate, 0L);
      }
    }
    return victims;
  }

  private static long sum(Map<WarmProcess, Long> rss) {
    return rss.values().stream().mapToLong(Long::longValue).sum();
  }
}
