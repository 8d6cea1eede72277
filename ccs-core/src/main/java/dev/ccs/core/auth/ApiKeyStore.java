package dev.ccs.core.auth;

import java.util.List;

/** Where {@link ApiKeys} keeps its keys (the data directory, by default). */
public interface ApiKeyStore {

  /** The keys saved last; empty the first time. */
  List<ApiKey> load();

  /**
   * Replaces the saved keys.
   *
   * @param durable on disk before this returns (a key created or revoked); last-used times alone
   *     may wait
   */
  void save(List<ApiKey> keys, boolean durable);

  /**
   * Calls {@code changed} when the keys were changed elsewhere (another node sharing the store
   * created or revoked one); a store one node owns never does.
   */
  default void onChange(Runnable changed) {
  }

  /** A store that keeps the keys in memory only. */
  static ApiKeyStore inMemory() {
    return new ApiKeyStore() {
      private volatile List<ApiKey> saved = List.of();

      @Override
      public List<ApiKey> load() {
        return saved;
      }

      @Override
      public void save(List<ApiKey> keys, boolean durable) {
        saved = List.copyOf(keys);
      }
    };
  }
}
