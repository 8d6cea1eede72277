package dev.ccs.core.session;

/**
 * Told of every turn once it is recorded (durably), whatever path ran it: the statistics count
 * runs here, from the same message that the history keeps.
 */
@FunctionalInterface
public interface TurnObserver {

  TurnObserver NONE = (session, answer) -> { };

  /**
   * @param session the session after the turn
   * @param answer the turn's assistant message, with the run's cost and usage in its metadata
   */
  void recorded(Session session, StoredMessage answer);
}
