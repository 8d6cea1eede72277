package dev.ccs.core.store;

import java.nio.file.Path;

class InMemoryStorageTest extends StorageContractTest {

  @Override
  protected Storage open(Path dir) {
    return new InMemoryStorage();
  }
}
