package dev.ccs.core.session;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What sessions need from storage: their records, their histories, and the write that records a
 * turn in both at once. Implemented by {@code dev.ccs.core.store.Storage}; another backend (SQL)
 * implements it too, in records and queries, never files.
 */
public interface SessionStorage {

  SessionStore sessions();

  MessageStore messages();

  /**
   * Records one turn: appends its messages and stores the session's new state, as one durable
   * write (on disk before this returns).
   *
   * @param updated the session after the turn, at the version it was read at
   * @return the stored session
   * @throws dev.ccs.core.error.StaleVersionException when the session changed since it was read
   */
  Session recordTurn(Session updated, List<StoredMessage> messages);

  /**
   * Called while a turn's CLI runs, before {@link #recordTurn}: a store may do now whatever part of
   * that write does not depend on the turn's outcome, so that less of it follows the run (the file
   * store creates a new session's log and syncs its directory entry). A failure here is the
   * store's to log; the record does the work itself then.
   */
  default void prepareTurn(UUID sessionId) {
  }

  /**
   * Holds the session for one turn across every node sharing this storage, waiting while another
   * node runs one of its turns; the caller holds the session's in-process turn lock already. A
   * storage that one node owns holds nothing ({@link TurnHold#NONE}).
   *
   * @throws InterruptedException while waiting
   */
  default TurnHold holdTurn(UUID sessionId) throws InterruptedException {
    return TurnHold.NONE;
  }

  /** Sessions that a task not yet finished will run in: retention must keep them. */
  Set<UUID> sessionsOfUnfinishedTasks();
}
