package dev.ccs.examples;

import dev.ccs.core.Ccs;
import dev.ccs.core.balance.ProviderStatus;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.LoadBalanceConfig;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.message.MessageRequest;
import dev.ccs.core.message.MessageResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Spreads sessions over two API endpoints (providers) by weight, with failover: each new session
 * is bound to a provider, and the balancer's view of them is printed at the end. The keys here are
 * placeholders: put real ones (or {@code ${env:NAME}} references) in your config.
 *
 * <pre>java -cp examples.jar:... dev.ccs.examples.ProvidersMain [claude-path]</pre>
 */
public final class ProvidersMain {

  private ProvidersMain() {
  }

  public static void main(String[] args) {
    String claude = args.length > 0 ? args[0] : "claude";
    List<ProviderConfig> providers = List.of(
        new ProviderConfig("primary", "Primary key", "${env:PRIMARY_API_KEY}", null, 3, true, Map.of()),
        new ProviderConfig("secondary", "Secondary key", "${env:SECONDARY_API_KEY}", null, 1, true, Map.of()));
    CcsConfig config = CcsConfig.defaults(Path.of("ccs-example")).toBuilder().claudePath(claude).providers(providers)
        .loadBalance(new LoadBalanceConfig("weighted", true, 3, Duration.ofMinutes(30), Duration.ofSeconds(60)))
        .build();
    try (Ccs ccs = Ccs.builder(config).environment(Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
        "HOME", System.getProperty("user.home"), "PRIMARY_API_KEY", System.getenv().getOrDefault("PRIMARY_API_KEY",
            "sk-primary-placeholder"), "SECONDARY_API_KEY", System.getenv().getOrDefault("SECONDARY_API_KEY",
            "sk-secondary-placeholder"))).build()) {
      for (int i = 1; i <= 4; i++) {
        MessageResult answer = ccs.send(MessageRequest.of("Request number " + i));
        String provider = ccs.balancer().bindingOf(java.util.UUID.fromString(answer.sessionId())).orElse("none");
        System.out.println("session " + answer.sessionId() + " ran on " + provider + ": " + answer.result());
      }
      for (ProviderStatus status : ccs.balancer().status()) {
        System.out.println(status.id() + ": weight " + status.weight() + ", " + status.totalRequests() + " request(s), "
            + status.boundSessions() + " bound session(s)");
      }
    }
  }
}
