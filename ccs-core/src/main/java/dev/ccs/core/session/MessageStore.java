package dev.ccs.core.session;

import java.util.List;
import java.util.UUID;

/** Where each session's message history is kept: append-only, in order. Thread-safe. */
public interface MessageStore {

  /**
   * Appends messages to a session's history.
   *
   * @param durable whether these messages, and every earlier one of the session, must be on disk
   *     before this returns
   */
  void append(UUID sessionId, List<StoredMessage> messages, boolean durable);

  /** A page of the history; an unknown cursor id is an {@link IllegalArgumentException}. */
  MessagePage page(UUID sessionId, MessageQuery query);

  /** The whole history, oldest first. */
  List<StoredMessage> history(UUID sessionId);

  /** Removes a session's history, durably; the number of messages removed. */
  int deleteHistory(UUID sessionId);

  /**
   * Removes a session's history for retention: without counting it and without waiting for the
   * disk (a removal that a machine crash loses is made again by the next purge).
   */
  default void purgeHistory(UUID sessionId) {
    deleteHistory(sessionId);
  }
}
