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

  /** Sessions that a task not yet finished will run in: retention must keep them. */
  Set<UUID> sessionsOfUnfinishedTasks();
}
