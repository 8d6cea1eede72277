package dev.ccs.core.balance;

import java.util.List;

/** Where the balancer keeps its {@link ProviderState}s (the data directory, by default). */
public interface ProviderStateStore {

  /** What was saved last, in any order; empty the first time. */
  List<ProviderState> load();

  /**
   * Replaces what is saved by {@code states}.
   *
   * @param durable whether it must be on disk before this returns (an operator's action, a breaker
   *     that opened or closed); counters alone may wait for the next durable save
   */
  void save(List<ProviderState> states, boolean durable);

  /**
   * Calls {@code changed} when another node sharing the store changed what all nodes share of the
   * providers (an operator's enable, disable or reset; a breaker that opened or closed); a store
   * one node owns never does. {@link #load} then has the change.
   */
  default void onChange(Runnable changed) {
  }

  /** A store that keeps the states in memory only (no data directory). */
  static ProviderStateStore inMemory() {
    return new ProviderStateStore() {
      private volatile List<ProviderState> saved = List.of();

      @Override
      public List<ProviderState> load() {
        return saved;
      }

      @Override
      public void save(List<ProviderState> states, boolean durable) {
        saved = List.copyOf(states);
      }
    };
  }
}
