package dev.ccs.core.config;

import java.time.Duration;

/**
 * Warm sessions: a live CLI kept per active session, so that its next turn is written to a running
 * process instead of starting one (see {@code dev.ccs.core.warm}).
 *
 * @param enabled config {@code warmSessions.enabled}: whether session turns run on warm processes;
 *     a turn's {@code "warm": false} runs it cold all the same; off, a turn's {@code "warm": true} is
 *     refused
 * @param maxWarm config {@code warmSessions.maxWarm}: live warm processes at most
 * @param idle config {@code warmSessions.idleMs}: a warm process unused this long is ended
 * @param maxTurnsPerProcess config {@code warmSessions.maxTurnsPerProcess}: a process is ended after
 *     serving this many turns (the next turn starts a fresh one that resumes the session)
 * @param memoryBudgetMb config {@code warmSessions.memoryBudgetMb}: the summed resident memory of the
 *     warm processes (and what they started) at most, in MiB
 */
public record WarmSessionsConfig(boolean enabled, int maxWarm, Duration idle, int maxTurnsPerProcess,
    int memoryBudgetMb) {

  public static final WarmSessionsConfig DEFAULT =
      new WarmSessionsConfig(false, 4, Duration.ofMinutes(5), 100, 1024);

  public WarmSessionsConfig {
    Checks.range("warmSessions.maxWarm", maxWarm, 1, 1000);
    Checks.range("warmSessions.idleMs", idle.toMillis(), 1000, Duration.ofDays(1).toMillis());
    Checks.range("warmSessions.maxTurnsPerProcess", maxTurnsPerProcess, 1, 1_000_000);
    Checks.range("warmSessions.memoryBudgetMb", memoryBudgetMb, 64, 1_048_576);
  }
}
