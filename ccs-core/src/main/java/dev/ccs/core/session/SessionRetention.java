package dev.ccs.core.session;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.LimitsConfig;
import dev.ccs.core.concurrent.CoalescingJob;
import dev.ccs.core.internal.ThrottledCount;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which sessions are kept: none unused for longer than {@code sessionRetentionDays}, and no more
 * than {@code limits.maxStoredSessions} sessions holding {@code limits.maxStoredMetadataBytes} of
 * metadata, since every stored session costs memory. Beyond a bound the least recently used
 * sessions go, with their messages, soon after the session that passed it was added; never one
 * with a turn running or waiting, one that a waiting task will run in, or one used in the last
 * {@link #GRACE} (a session made for a request is used at once, but by another thread).
 */
final class SessionRetention {

  private static final Logger LOG = LoggerFactory.getLogger(SessionRetention.class);

  /** How recently used a session is kept whatever the bounds. */
  static final Duration GRACE = Duration.ofSeconds(1);
  private static final int BATCH = 256;
  private static final Instant FAR_FUTURE = Instant.parse("9999-12-31T23:59:59Z");

  private final CcsConfig config;
  private final SessionStorage storage;
  private final TurnLocks turns;
  private final Clock clock;
  private final CoalescingJob trimming;
  private Instant lastWarning;
  private final ThrottledCount removals;

  SessionRetention(CcsConfig config, SessionStorage storage, TurnLocks turns, Clock clock, Executor executor) {
    this.config = config;
    this.storage = storage;
    this.turns = turns;
    this.clock = clock;
    this.removals = new ThrottledCount(LOG, "removed {} least recently used session(s) to stay within"
        + " limits.maxStoredSessions (" + config.limits().maxStoredSessions() + ") and limits.maxStoredMetadataBytes ("
        + config.limits().maxStoredMetadataBytes() + ")", clock, Duration.ofMinutes(1));
    this.trimming = new CoalescingJob("removing sessions beyond limits.maxStoredSessions or maxStoredMetadataBytes", executor, this::trim);
  }

  /** After a session was added: when it passed a bound, sessions are removed soon, off this thread. */
  void added() {
    if (overBounds()) {
      trimming.request();
    }
  }

  private boolean overBounds() {
    LimitsConfig limits = config.limits();
    return storage.sessions().size() > limits.maxStoredSessions()
        || storage.sessions().metadataBytes() > limits.maxStoredMetadataBytes();
  }

  /**
   * Removes the least recently used sessions until the stored ones are within the bounds (or only
   * sessions in use are left).
   *
   * @return how many were removed
   */
  synchronized int trim() {
    int removed = 0;
    int inUse = 0;
    Instant recent = clock.instant().minus(GRACE);
    Set<UUID> waitingTasks = null;
    while (overBounds()) {
      // Sessions in use stay at the front of the oldest: look past those met so far.
      List<Session> oldest = storage.sessions().updatedBefore(FAR_FUTURE, inUse + BATCH);
      if (waitingTasks == null) {
        waitingTasks = storage.sessionsOfUnfinishedTasks();
      }
      int removedNow = 0;
      inUse = 0;
      for (Session session : oldest) {
        if (!overBounds()) {
          break;
        }
        if (session.updatedAt().isAfter(recent) || waitingTasks.contains(session.id()) || !remove(session.id())) {
          inUse++;
        } else {
          removedNow++;
        }
      }
      removed += removedNow;
      if (removedNow == 0) {
        warnAllInUse();
        break;
      }
    }
    removals.add(removed);
    return removed;
  }

  /** Once a minute at most: each session added meanwhile looks again. */
  private void warnAllInUse() {
    Instant now = clock.instant();
    if (lastWarning != null && now.isBefore(lastWarning.plus(Duration.ofMinutes(1)))) {
      return;
    }
    lastWarning = now;
    LOG.warn("{} sessions ({} bytes of metadata) are stored, beyond limits.maxStoredSessions ({}) or"
            + " limits.maxStoredMetadataBytes ({}), but every older one is in use", storage.sessions().size(),
            storage.sessions().metadataBytes(), config.limits().maxStoredSessions(),
            config.limits().maxStoredMetadataBytes());
  }

  /**
   * Removes sessions last used before {@code cutoff}, with their messages; sessions in use (a turn
   * running or waiting, a task waiting) are kept.
   *
   * @return how many were removed
   */
  synchronized int purgeOlderThan(Instant cutoff) {
    Set<UUID> waitingTasks = storage.sessionsOfUnfinishedTasks();
    int removed = 0;
    int inUse = 0;
    while (true) {
      List<Session> expired = storage.sessions().updatedBefore(cutoff, inUse + BATCH);
      int removedNow = 0;
      inUse = 0;
      for (Session session : expired) {
        if (waitingTasks.contains(session.id()) || !remove(session.id())) {
          inUse++;
        } else {
          removedNow++;
        }
      }
      removed += removedNow;
      if (removedNow == 0) {
        break;
      }
    }
    if (removed > 0) {
      LOG.info("removed {} session(s) unused since before {} (sessionRetentionDays)", removed, cutoff);
    }
    return removed;
  }

  /** Removes an idle session and its messages; false when a turn of it runs or waits. */
  private boolean remove(UUID id) {
    TurnLocks.Place hold = turns.holdIfIdle(id);
    if (hold == null) {
      return false;
    }
    try (hold) {
      // History first: a crash in between leaves a session without messages, never messages that
      // would bring it back at the next start (and a removal the disk lost is made again later).
      storage.messages().purgeHistory(id);
      storage.sessions().purge(id);
      return true;
    }
  }
}
