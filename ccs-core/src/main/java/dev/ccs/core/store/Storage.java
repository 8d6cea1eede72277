package dev.ccs.core.store;

import dev.ccs.core.session.Session;
import dev.ccs.core.session.StoredMessage;
import java.util.List;

/**
 * The stores of one ccs instance, and the operations that span them. {@link FileStorage} is the
 * embedded default; {@link InMemoryStorage} keeps nothing across restarts (tests, throw-away use).
 */
public interface Storage extends AutoCloseable {

  SessionStore sessions();

  MessageStore messages();

  TaskStore tasks();

  DeliveryStore deliveries();

  /**
   * Records one turn: appends its messages and stores the session's new state, as one durable
   * write (on disk before this returns).
   *
   * @param updated the session after the turn, at the version it was read at
   * @return the stored session
   * @throws StaleVersionException when the session changed since it was read
   */
  Session recordTurn(Session updated, List<StoredMessage> messages);

  /** Flushes what is pending and releases the data directory. */
  @Override
  void close();
}
