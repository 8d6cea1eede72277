package dev.ccs.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.config.StatisticsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.store.InMemoryStorage;
import dev.ccs.core.testing.MutableClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StatisticsTest {

  private final MutableClock clock = MutableClock.startingAt("2026-03-10T12:00:00Z");

  private static StoredMessage answer(UUID session, Instant at, String cost) {
    ObjectNode meta = Json.object();
    meta.put("cost_usd", new BigDecimal(cost));
    meta.put("duration_ms", 1000);
    meta.put("model", "m");
    meta.putObject("usage").put("input_tokens", 5).put("output_tokens", 1);
    return new StoredMessage(StoredMessage.newId(), session, "assistant", "ok", at, meta);
  }

  @Test
  void daysPastTheRetentionAreDroppedAtTheNextSaveButTheAllTimeTotalsStay() {
    Statistics stats = new Statistics(new StatisticsConfig(true, Duration.ofMinutes(1), 2), StatisticsStore.inMemory(),
        clock);
    Session session = Session.create(UUID.randomUUID(), clock.instant(), "/w", null, null, null);
    for (int day = 0; day < 4; day++) {
      stats.recorded(session, answer(session.id(), clock.instant(), "0.5"));
      clock.advance(Duration.ofDays(1));
    }
    clock.advance(Duration.ofDays(-1));
    stats.flush();

    assertThat(stats.daily(10)).extracting(DayStats::date)
        .containsExactly(LocalDate.parse("2026-03-13"), LocalDate.parse("2026-03-12"));
    assertThat(stats.allTime().total().requests()).isEqualTo(4);
    assertThat(stats.allTime().total().costUsd()).isEqualByComparingTo("2.0");
  }

  @Test
  void theFirstStartCountsTheRunsAlreadyInTheHistoriesAndASecondOneNothingMore() {
    InMemoryStorage storage = new InMemoryStorage();
    Session session = storage.sessions().create(Session.create(UUID.randomUUID(), clock.instant(), "/w", null, null,
        null));
    storage.messages().append(session.id(), List.of(
        new StoredMessage(StoredMessage.newId(), session.id(), "user", "q", clock.instant(), null),
        answer(session.id(), clock.instant(), "0.25"), answer(session.id(), clock.instant(), "0.5")), true);
    StatisticsStore store = StatisticsStore.inMemory();
    StatisticsConfig config = new StatisticsConfig(true, Duration.ofMinutes(1), 400);

    assertThat(new Statistics(config, store, clock).catchUp(storage)).isEqualTo(2);
    Statistics again = new Statistics(config, store, clock);
    assertThat(again.catchUp(storage)).isZero();
    assertThat(again.allTime().total().costUsd()).isEqualByComparingTo("0.75");
    assertThat(again.allTime().models().get("m").inputTokens()).isEqualTo(10);
  }

  @Test
  void aPercentileFromTheHistogramIsWithinItsStatedErrorOfTheTrueOne() {
    Random random = new Random(42);
    for (int round = 0; round < 50; round++) {
      DurationHistogram histogram = new DurationHistogram();
      long[] values = new long[1 + random.nextInt(500)];
      for (int i = 0; i < values.length; i++) {
        values[i] = 1 + (long) Math.exp(random.nextDouble() * Math.log(3_600_000));
        histogram.add(values[i]);
      }
      java.util.Arrays.sort(values);
      for (double q : new double[] {0.5, 0.95, 0.99}) {
        long truth = values[(int) Math.ceil(q * values.length) - 1];
        assertThat((double) histogram.percentile(q)).as("q %s of %s values", q, values.length)
            .isBetween(truth * 0.955 - 1, truth * 1.045 + 1);
      }
    }
  }
}
