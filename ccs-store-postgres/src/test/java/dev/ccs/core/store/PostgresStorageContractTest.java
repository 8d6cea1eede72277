package dev.ccs.core.store;

import dev.ccs.store.postgres.PgServer;
import dev.ccs.store.postgres.PostgresSettings;
import dev.ccs.store.postgres.PostgresStorage;
import java.nio.file.Path;
import java.time.Duration;

/** The contract every store passes (file, in memory), on a real PostgreSQL: a fresh database per test. */
class PostgresStorageContractTest extends StorageContractTest {

  @Override
  protected Storage open(Path dir) {
    return PostgresStorage.open(new PostgresSettings(PgServer.newDatabase(), null, null, 8, "node-a",
        Duration.ofSeconds(5)));
  }
}
