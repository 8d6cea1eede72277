package dev.ccs.core.store;

import dev.ccs.store.postgres.PgServer;
import dev.ccs.store.postgres.PostgresSettings;
import dev.ccs.store.postgres.PostgresStorage;
import java.nio.file.Path;

/** The contract every store passes (file, in memory), on a real PostgreSQL: a fresh database per test. */
class PostgresStorageContractTest extends StorageContractTest {

  @Override
  protected Storage open(Path dir) {
    return PostgresStorage.open(PostgresSettings.builder(PgServer.newDatabase(), "node-a").poolSize(8).build());
  }
}
