package dev.ccs.core;

import dev.ccs.core.balance.ProviderSettings;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.migrate.ImportReport;
import dev.ccs.core.migrate.NodeHome;
import dev.ccs.core.migrate.NodeImport;
import dev.ccs.core.store.FileStorage;
import java.io.IOException;
import java.time.Clock;

/**
 * Imports a Node server's data into the store of a config: its data directory and provider
 * settings. No server may have the data directory open (its lock refuses a second owner, with a
 * {@link dev.ccs.core.error.StoreException} naming the holder).
 */
public final class NodeDataImport {

  private NodeDataImport() {
  }

  public static ImportReport run(CcsConfig config, NodeHome home, NodeImport.Options options,
      NodeImport.Progress progress) throws IOException {
    Clock clock = Clock.systemUTC();
    try (FileStorage storage = FileStorage.open(config.dataDir(), clock)) {
      return new NodeImport(storage, storage.tasks(), storage.statistics(), ProviderSettings.of(config), clock)
          .run(home, options, progress);
    }
  }
}
