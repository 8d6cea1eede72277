package dev.ccs.core.balance;

import dev.ccs.core.config.ProviderConfig;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Picks the provider of a run, round-robin over the enabled providers of the config; none when no
 * provider is configured (runs then use the CLI's own credentials). Health tracking, weights,
 * session affinity and failover belong to the load balancer, which replaces this.
 */
public final class Providers {

  private final List<ProviderConfig> all;
  private final List<ProviderConfig> enabled;
  private final AtomicLong next = new AtomicLong();

  public Providers(List<ProviderConfig> providers) {
    this.all = List.copyOf(providers);
    this.enabled = providers.stream().filter(ProviderConfig::enabled).toList();
  }

  /** The configured provider {@code id} (enabled or not), if there is one. */
  public Optional<ProviderConfig> byId(String id) {
    return all.stream().filter(p -> id.equals(p.id())).findFirst();
  }

  public Optional<ProviderConfig> next() {
    if (enabled.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(enabled.get((int) Math.floorMod(next.getAndIncrement(), (long) enabled.size())));
  }
}
