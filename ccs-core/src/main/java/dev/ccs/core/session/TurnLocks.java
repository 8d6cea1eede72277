package dev.ccs.core.session;

import dev.ccs.core.error.CcsException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One turn at a time per session, in arrival order (a CLI transcript cannot take two turns at
 * once); other sessions are not held up. A turn first joins its session's line ({@link #join}),
 * which may be refused when too many of the session's turns already wait, then waits for its turn
 * ({@link Place#await()}). Locks exist only while someone holds or waits for them.
 */
final class TurnLocks {

  /** What a client whose session has too many turns waiting is told to wait before trying again. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock(true);
    int users;
  }

  private final Map<UUID, Entry> locks = new ConcurrentHashMap<>();

  /**
   * Joins the session's line.
   *
   * @param maxWaiting turns of the session that may wait behind the running one
   * @throws CcsException.TooManyRequests when that many already wait
   */
  Place join(UUID sessionId, int maxWaiting) {
    boolean[] full = new boolean[1];
    Entry entry = locks.compute(sessionId, (id, existing) -> {
      Entry e = existing == null ? new Entry() : existing;
      // users: the running turn (if any) and those waiting behind it.
      if (e.users > maxWaiting) {
        full[0] = true;
      } else {
        e.users++;
      }
      return e;
    });
    if (full[0]) {
      throw new CcsException.TooManyRequests("session_busy", "Session " + sessionId + " already has " + maxWaiting
          + " turn(s) waiting behind its running turn (execution.maxWaitingTurnsPerSession); try again when one has"
          + " finished", RETRY_AFTER);
    }
    return new Place(sessionId, entry);
  }

  /** Joins the session's line and waits for its turn (no bound on the line). */
  Place acquire(UUID sessionId) throws InterruptedException {
    Place place = join(sessionId, Integer.MAX_VALUE - 1);
    try {
      place.await();
    } catch (InterruptedException e) {
      place.close();
      throw e;
    }
    return place;
  }

  /**
   * The session's line while nobody is in it, held so that no turn starts until it is closed (a
   * turn that joins meanwhile waits, then finds what the holder left); null when a turn runs or
   * waits.
   */
  Place holdIfIdle(UUID sessionId) {
    Entry entry = new Entry();
    entry.users = 1;
    if (locks.putIfAbsent(sessionId, entry) != null) {
      return null;
    }
    Place place = new Place(sessionId, entry);
    entry.lock.lock();
    place.held = true;
    return place;
  }

  /** Whether a turn of the session runs or waits. */
  boolean busy(UUID sessionId) {
    return locks.containsKey(sessionId);
  }

  /** A turn's place in its session's line; closing it leaves the line (and lets the next turn in). */
  final class Place implements AutoCloseable {
    private final UUID sessionId;
    private final Entry entry;
    private boolean held;
    private boolean closed;

    private Place(UUID sessionId, Entry entry) {
      this.sessionId = sessionId;
      this.entry = entry;
    }

    /** Waits until the session's earlier turns are done. */
    void await() throws InterruptedException {
      entry.lock.lockInterruptibly();
      held = true;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (held) {
        entry.lock.unlock();
      }
      locks.compute(sessionId, (id, existing) -> {
        if (existing != entry) {
          return existing;
        }
        return --entry.users == 0 ? null : entry;
      });
    }
  }
}
