package dev.ccs.core.store;

import dev.ccs.core.auth.ApiKeyStore;
import dev.ccs.core.balance.ProviderStateStore;
import dev.ccs.core.cluster.Cluster;
import dev.ccs.core.session.SessionStorage;
import dev.ccs.core.stats.StatisticsStore;
import dev.ccs.core.task.TaskStore;
import dev.ccs.core.webhook.DeliveryStore;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The stores of one ccs instance, and the operations that span them. {@link FileStorage} is the
 * embedded default; {@link InMemoryStorage} keeps nothing across restarts (tests, throw-away use).
 * Each store's interface sits beside the records it stores ({@code session}, {@code task},
 * {@code webhook}); this package holds only implementations, so it depends on the domain and
 * never the other way.
 */
public interface Storage extends SessionStorage, AutoCloseable {

  TaskStore tasks();

  DeliveryStore deliveries();

  /** The load balancer's provider states (runtime enable/disable, breakers, counters). */
  ProviderStateStore providerStates();

  /** The statistics snapshot. */
  StatisticsStore statistics();

  /** The named API keys (their hashes). */
  ApiKeyStore apiKeys();

  /** The nodes sharing this storage; empty when one node owns it. */
  default Optional<Cluster> cluster() {
    return Optional.empty();
  }

  @Override
  default Set<UUID> sessionsOfUnfinishedTasks() {
    return tasks().sessionsOfUnfinished();
  }

  /** Flushes what is pending and releases the data directory. */
  @Override
  void close();
}
