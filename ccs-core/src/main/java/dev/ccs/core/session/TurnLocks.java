package dev.ccs.core.session;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One turn at a time per session, in arrival order (a CLI transcript cannot take two turns at
 * once); other sessions are not held up. Locks exist only while someone holds or waits for them.
 */
final class TurnLocks {

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock(true);
    int users;
  }

  private final Map<UUID, Entry> locks = new ConcurrentHashMap<>();

  /** Waits for the session's turn. */
  Lease acquire(UUID sessionId) throws InterruptedException {
    Entry entry = locks.compute(sessionId, (id, existing) -> {
      Entry e = existing == null ? new Entry() : existing;
      e.users++;
      return e;
    });
    try {
      entry.lock.lockInterruptibly();
    } catch (InterruptedException e) {
      release(sessionId, entry, false);
      throw e;
    }
    return () -> release(sessionId, entry, true);
  }

  /** Whether a turn of the session runs or waits. */
  boolean busy(UUID sessionId) {
    return locks.containsKey(sessionId);
  }

  private void release(UUID sessionId, Entry entry, boolean held) {
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

  /** A held turn; closing it lets the next one in. */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }
}
