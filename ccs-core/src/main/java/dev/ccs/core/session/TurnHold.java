package dev.ccs.core.session;

/**
 * A session held for one turn across every node sharing the storage ({@link SessionStorage#holdTurn});
 * closing it lets the session's next turn start, on this node or another.
 */
@FunctionalInterface
public interface TurnHold extends AutoCloseable {

  /** The hold of a storage that one node owns: its in-process turn locks are all there is. */
  TurnHold NONE = () -> { };

  @Override
  void close();
}
