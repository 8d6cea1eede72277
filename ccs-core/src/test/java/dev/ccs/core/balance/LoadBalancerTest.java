package dev.ccs.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.balance.CircuitBreaker.State;
import dev.ccs.core.config.LoadBalanceConfig;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.json.Json;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {

  private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");

  private static ProviderConfig provider(String id, int weight, boolean enabled) {
    return new ProviderConfig(id, id, "key-" + id, "http://127.0.0.1:9/" + id, weight, enabled, Map.of());
  }

  private LoadBalancer balancer(String strategy, boolean failover, ProviderConfig... providers) {
    return new LoadBalancer(List.of(providers), new LoadBalanceConfig(strategy, failover, 2, Duration.ofMinutes(30),
        Duration.ofSeconds(60)), clock);
  }

  private static RunOutcome succeeded() {
    ObjectNode json = Json.object().put("type", "result").put("subtype", "success").put("is_error", false)
        .put("result", "ok").put("num_turns", 1).put("session_id", "s").put("total_cost_usd", 0);
    return new RunOutcome(RunStatus.SUCCEEDED, ResultMessage.from(json.toString(), json), null, 0,
        Duration.ofSeconds(1), "", null);
  }

  private static RunOutcome overloaded() {
    ObjectNode json = Json.object().put("type", "result").put("subtype", "success").put("is_error", true)
        .put("result", "API Error: 529").put("num_turns", 0).put("session_id", "s").put("total_cost_usd", 0)
        .put("api_error_status", 529);
    return new RunOutcome(RunStatus.ERROR_RESULT, ResultMessage.from(json.toString(), json), null, 1,
        Duration.ofSeconds(1), "", "API Error: 529");
  }

  /** Runs one turn of {@code session} and reports {@code outcome}; returns the provider it ran on. */
  private static String run(LoadBalancer balancer, UUID session, RunOutcome outcome) {
    LoadBalancer.Lease lease = balancer.choose(session, null).orElseThrow();
    balancer.report(lease, outcome);
    return lease.provider().id();
  }

  @Test
  void newSessionsTakeTurnsAndEachStaysOnItsProvider() {
    LoadBalancer balancer = balancer("round-robin", false, provider("a", 3, true), provider("b", 1, true));
    List<UUID> sessions = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
    List<String> first = new ArrayList<>();
    for (UUID session : sessions) {
      first.add(run(balancer, session, succeeded()));
    }
    assertThat(first).containsExactly("a", "b", "a", "b");
    for (int turn = 0; turn < 3; turn++) {
      for (int i = 0; i < sessions.size(); i++) {
        assertThat(run(balancer, sessions.get(i), succeeded())).isEqualTo(first.get(i));
      }
    }
  }

  @Test
  void weightedSpreadsNewSessionsByWeight() {
    LoadBalancer balancer = balancer("weighted", false, provider("a", 3, true), provider("b", 1, true));
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      picks.add(run(balancer, UUID.randomUUID(), succeeded()));
    }
    assertThat(picks).containsExactly("a", "a", "b", "a", "a", "a", "b", "a");
  }

  @Test
  void aFailingProviderOpensItsSessionsFailOverAndComeBackAfterAProbe() {
    LoadBalancer balancer = balancer("round-robin", true, provider("a", 1, true), provider("b", 1, true));
    UUID onA = UUID.randomUUID();
    assertThat(run(balancer, onA, overloaded())).isEqualTo("a");
    assertThat(run(balancer, UUID.randomUUID(), succeeded())).isEqualTo("b");
    assertThat(run(balancer, onA, overloaded())).isEqualTo("a");
    assertThat(balancer.health().get("a").state()).isEqualTo(State.OPEN);

    // Open: the session runs on b, new sessions go to b, and the session keeps its binding to a.
    assertThat(run(balancer, onA, succeeded())).isEqualTo("b");
    assertThat(run(balancer, UUID.randomUUID(), succeeded())).isEqualTo("b");
    assertThat(balancer.bindingOf(onA)).contains("a");

    clock.advance(Duration.ofSeconds(60));
    assertThat(run(balancer, onA, succeeded())).as("the probe").isEqualTo("a");
    assertThat(balancer.health().get("a").state()).isEqualTo(State.CLOSED);
    assertThat(run(balancer, onA, succeeded())).isEqualTo("a");
  }

  @Test
  void withoutFailoverASessionStaysOnItsOpenProvider() {
    LoadBalancer balancer = balancer("round-robin", false, provider("a", 1, true), provider("b", 1, true));
    UUID onA = UUID.randomUUID();
    run(balancer, onA, overloaded());
    run(balancer, onA, overloaded());
    assertThat(balancer.health().get("a").state()).isEqualTo(State.OPEN);
    assertThat(run(balancer, onA, succeeded())).isEqualTo("a");
    // New sessions never go to an open provider while another lets runs through.
    assertThat(run(balancer, UUID.randomUUID(), succeeded())).isEqualTo("b");
  }

  @Test
  void idleBindingsExpireButOneInUseDoesNot() {
    LoadBalancer balancer = balancer("round-robin", false, provider("a", 1, true), provider("b", 1, true));
    UUID session = UUID.randomUUID();
    assertThat(run(balancer, session, succeeded())).isEqualTo("a");
    clock.advance(Duration.ofMinutes(31));
    assertThat(balancer.bindingOf(session)).isEmpty();

    UUID busy = UUID.randomUUID();
    LoadBalancer.Lease running = balancer.choose(busy, null).orElseThrow();
    clock.advance(Duration.ofHours(2));
    assertThat(balancer.bindingOf(busy)).contains(running.provider().id());
    balancer.report(running, succeeded());
    clock.advance(Duration.ofMinutes(31));
    assertThat(balancer.bindingOf(busy)).isEmpty();
  }

  @Test
  void bindingsOfSessionsNeverSeenAgainAreDropped() {
    LoadBalancer balancer = balancer("round-robin", false, provider("a", 1, true), provider("b", 1, true));
    for (int i = 0; i < 100; i++) {
      run(balancer, UUID.randomUUID(), succeeded());
    }
    assertThat(balancer.boundSessions()).isEqualTo(100);
    clock.advance(Duration.ofMinutes(31));
    run(balancer, UUID.randomUUID(), succeeded());
    assertThat(balancer.boundSessions()).isEqualTo(1);
  }

  @Test
  void aPinnedRunGoesWhereItIsToldOrIsRefused() {
    LoadBalancer balancer = balancer("round-robin", false, provider("a", 1, true), provider("off", 1, false));
    assertThat(balancer.choose(UUID.randomUUID(), "a").orElseThrow().provider().id()).isEqualTo("a");
    assertThatThrownBy(() -> balancer.choose(null, "nope")).isInstanceOf(CcsException.NotFound.class);
    assertThatThrownBy(() -> balancer.choose(null, "off")).isInstanceOf(CcsException.Conflict.class);
    assertThat(balancer("round-robin", false).choose(UUID.randomUUID(), null)).isEmpty();
  }

  private LoadBalancer balancer(ProviderStateStore store, boolean failover, ProviderConfig... providers) {
    return new LoadBalancer(List.of(providers), new LoadBalanceConfig("round-robin", failover, 2,
        Duration.ofMinutes(30), Duration.ofSeconds(60)), clock, store, Runnable::run, Map.of());
  }

  /** Node defect #43: runtime enable/disable was lost on reload and restart. */
  @Test
  void operatorsDisableAndBreakerStateSurviveARestartOnTheSameStore() {
    ProviderStateStore store = ProviderStateStore.inMemory();
    LoadBalancer before = balancer(store, false, provider("a", 1, true), provider("b", 1, true), provider("c", 1, true));
    before.disable("c");
    UUID session = UUID.randomUUID();
    String bound = run(before, session, overloaded());
    run(before, session, overloaded()); // threshold 2: open
    assertThat(before.health().get(bound).state()).isEqualTo(State.OPEN);

    // The same ids in a new order, plus a new one: health follows the id.
    LoadBalancer after = balancer(store, false, provider("c", 1, true), provider("b", 1, true), provider("a", 1, true),
        provider("d", 1, true));

    Map<String, ProviderStatus> status = new java.util.HashMap<>();
    after.status().forEach(p -> status.put(p.id(), p));
    assertThat(status.get("c").enabled()).isFalse();
    assertThat(status.get("c").enabledBy()).isEqualTo("runtime");
    assertThat(status.get(bound).state()).isEqualTo(State.OPEN);
    assertThat(status.get(bound).totalRequests()).isEqualTo(2);
    assertThat(status.get(bound).totalFailures()).isEqualTo(2);
    assertThat(status.get(bound).lastError()).contains("529");
    assertThat(status.get("d").state()).isEqualTo(State.CLOSED);
    for (int i = 0; i < 20; i++) {
      assertThat(run(after, UUID.randomUUID(), succeeded())).isNotIn("c", bound);
    }
    // The open breaker's rest counts from when it opened, not from the restart.
    clock.advance(Duration.ofSeconds(60));
    assertThat(after.health().get(bound).state()).isEqualTo(State.OPEN);
    after.enable("c");
    assertThat(balancer(store, false, provider("a", 1, false), provider("b", 1, true), provider("c", 1, false))
        .status().stream().filter(p -> p.id().equals("c")).findFirst().orElseThrow().enabled()).isTrue();
  }

  /** Node defect #41: affinity was lost on restart and lasted bindingTtl from creation, not last use. */
  @Test
  void aBindingStoredWithItsSessionIsRestoredUnlessItHasExpired() {
    LoadBalancer balancer = balancer(ProviderStateStore.inMemory(), false, provider("a", 1, true),
        provider("b", 1, true));
    UUID recent = UUID.randomUUID();
    UUID old = UUID.randomUUID();
    balancer.restoreBinding(recent, "b", clock.instant().minus(Duration.ofMinutes(29)));
    balancer.restoreBinding(old, "b", clock.instant().minus(Duration.ofMinutes(31)));
    balancer.restoreBinding(UUID.randomUUID(), "gone", clock.instant());

    assertThat(balancer.bindings()).containsOnlyKeys(recent);
    LoadBalancer.Lease lease = balancer.choose(recent, null).orElseThrow();
    assertThat(lease.provider().id()).isEqualTo("b");
    assertThat(lease.boundProviderId()).isEqualTo("b");
    balancer.report(lease, succeeded());
    // Used now: the binding lives another 30 minutes from this use.
    clock.advance(Duration.ofMinutes(29));
    assertThat(balancer.bindingOf(recent)).contains("b");
  }

  @Test
  void disablingAProviderRebindsItsIdleSessionsAndResetClosesItsBreaker() {
    LoadBalancer balancer = balancer(ProviderStateStore.inMemory(), false, provider("a", 1, true),
        provider("b", 1, true));
    UUID onA = UUID.randomUUID();
    assertThat(run(balancer, onA, overloaded())).isEqualTo("a");
    run(balancer, onA, overloaded());
    assertThat(balancer.health().get("a").state()).isEqualTo(State.OPEN);

    balancer.reset("a");
    assertThat(balancer.health().get("a").state()).isEqualTo(State.CLOSED);
    assertThat(balancer.status().get(0).totalFailures()).isEqualTo(2);
    balancer.disable("a");
    assertThat(run(balancer, onA, succeeded())).isEqualTo("b");
    assertThat(balancer.bindingOf(onA)).contains("b");
    assertThatThrownBy(() -> balancer.disable("zz")).isInstanceOf(CcsException.NotFound.class);
  }

  @Test
  void aRunRefusedBeforeTheModelAnsweredMayGoElsewhereOnlyWithFailover() {
    UUID session = UUID.randomUUID();
    LoadBalancer without = balancer(ProviderStateStore.inMemory(), false, provider("a", 1, true),
        provider("b", 1, true));
    assertThat(without.instead(without.choose(session, null).orElseThrow())).isEmpty();

    LoadBalancer with = balancer(ProviderStateStore.inMemory(), true, provider("a", 1, true), provider("b", 1, true));
    LoadBalancer.Lease first = with.choose(session, null).orElseThrow();
    LoadBalancer.Lease second = with.instead(first).orElseThrow();
    with.report(first, overloaded());
    with.report(second, succeeded());

    assertThat(second.provider().id()).isNotEqualTo(first.provider().id());
    // The session stays bound where it was; one failure is below the threshold.
    assertThat(second.boundProviderId()).isEqualTo(first.provider().id());
    assertThat(with.bindingOf(session)).contains(first.provider().id());
  }

  @Test
  void lastErrorHidesTheProvidersKeyAndAnythingThatLooksLikeOne() {
    ProviderConfig leaky = new ProviderConfig("a", "A", "plain-secret-value", null, 1, true,
        Map.of("ANTHROPIC_CUSTOM_HEADERS", "x-gw-token: gwsecret123", "GATEWAY_HEADER", "${env:GW_HEADER}"));
    LoadBalancer balancer = new LoadBalancer(List.of(leaky), LoadBalanceConfig.DEFAULT, clock,
        ProviderStateStore.inMemory(), Runnable::run, Map.of("GW_HEADER", "resolved-from-env"));
    ObjectNode json = Json.object().put("type", "result").put("subtype", "success").put("is_error", true)
        .put("result", "API Error: 401 key plain-secret-value rejected; Bearer abc.def sk-ant-api03-XYZXYZXYZ "
            + "header x-gw-token: gwsecret123 resolved-from-env")
        .put("num_turns", 1).put("session_id", "s").put("api_error_status", 401);
    RunOutcome unauthorized = new RunOutcome(RunStatus.ERROR_RESULT, ResultMessage.from(json.toString(), json), null,
        1, Duration.ofSeconds(1), "", null);

    run(balancer, UUID.randomUUID(), unauthorized);

    String lastError = balancer.status().get(0).lastError();
    assertThat(lastError).startsWith("HTTP 401: API Error: 401")
        .doesNotContain("plain-secret-value", "abc.def", "XYZXYZXYZ", "gwsecret123", "resolved-from-env");
  }

  @Test
  void aReloadKeepsTheHealthOfProvidersThatStayAndForgetsTheRest() {
    LoadBalancer balancer = balancer("round-robin", true, provider("a", 1, true), provider("b", 1, true));
    UUID onA = UUID.randomUUID();
    while (!run(balancer, onA, succeeded()).equals("a")) {
      onA = UUID.randomUUID();
    }
    run(balancer, onA, overloaded());
    run(balancer, onA, overloaded()); // threshold 2: a is open
    LoadBalancer.Lease inFlight = balancer.choose(UUID.randomUUID(), "b").orElseThrow();

    balancer.reconfigure(List.of(provider("a", 5, true), provider("c", 1, true)),
        new LoadBalanceConfig("weighted", true, 3, Duration.ofMinutes(30), Duration.ofSeconds(60)));

    assertThat(balancer.config().strategy()).isEqualTo("weighted");
    assertThat(balancer.status()).extracting(ProviderStatus::id).containsExactly("a", "c");
    ProviderStatus a = balancer.status().get(0);
    assertThat(a.weight()).isEqualTo(5);
    assertThat(a.healthy()).as("a's open breaker survives the reload").isFalse();
    assertThat(a.totalRequests()).isEqualTo(3);
    assertThat(balancer.status().get(1).totalRequests()).isZero();
    // A run on a provider the reload removed ends without harm.
    balancer.report(inFlight, succeeded());
    // a's session fails over to c while a is open.
    assertThat(run(balancer, onA, succeeded())).isEqualTo("c");
  }
}
