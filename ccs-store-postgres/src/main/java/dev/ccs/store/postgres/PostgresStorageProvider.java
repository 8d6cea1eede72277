package dev.ccs.store.postgres;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.SecretReference;
import dev.ccs.core.config.StoreConfig;
import dev.ccs.core.store.DataDirectoryLock;
import dev.ccs.core.store.Storage;
import dev.ccs.core.store.StorageProvider;
import java.time.Clock;

/** {@code store.type: "postgres"} (registered in META-INF/services). */
public final class PostgresStorageProvider implements StorageProvider {

  @Override
  public String type() {
    return "postgres";
  }

  @Override
  public Storage open(CcsConfig config, String nodeId, Clock clock) {
    StoreConfig store = config.store();
    DataDirectoryLock lock = DataDirectoryLock.acquire(config.dataDir());
    try {
      PostgresSettings settings = PostgresSettings.builder(store.url(), nodeId).user(store.user())
          .password(store.password() == null ? null : SecretReference.resolve(store.password()))
          .poolSize(store.poolSize()).lease(store.lease()).globalConcurrency(store.globalConcurrency()).build();
      return PostgresStorage.open(settings, clock, lock);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }
}
