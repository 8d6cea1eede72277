package dev.ccs.core.store;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.StoreConfig;
import java.time.Clock;
import java.util.ServiceLoader;

/**
 * A kind of {@link Storage} other than the file store, found with {@link ServiceLoader} by its
 * {@code store.type}: ccs-core names no database, a module on the class path brings one
 * ({@code ccs-store-postgres} registers {@code postgres}).
 */
public interface StorageProvider {

  /** The {@code store.type} this provider opens. */
  String type();

  /**
   * Opens the storage of {@code config.store()}; it holds {@code config.dataDir()} for this process
   * too (the data directory keeps the node's process tags and logs).
   *
   * @param nodeId this node's name among the nodes sharing the storage
   */
  Storage open(CcsConfig config, String nodeId, Clock clock);

  /**
   * The storage {@code config} names: the file store on {@code dataDir}, or a provider's.
   *
   * @throws IllegalStateException when no module on the class path provides {@code store.type}
   */
  static Storage open(CcsConfig config, Clock clock) {
    StoreConfig store = config.store();
    if ("file".equals(store.type())) {
      return FileStorage.open(config.dataDir(), clock);
    }
    for (StorageProvider provider : ServiceLoader.load(StorageProvider.class)) {
      if (provider.type().equals(store.type())) {
        return provider.open(config, store.nodeIdOr(config.port()), clock);
      }
    }
    throw new IllegalStateException("\"store.type\": \"" + store.type() + "\" needs the ccs-store-" + store.type()
        + " module on the class path (the runnable ccs-httpd jar includes it)");
  }
}
