package dev.ccs.core.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Adds counts kept by another server (the Node server's {@code statistics.json}) to the saved
 * statistics, once: the import's id is recorded in the same snapshot, in the same atomic write, so
 * a second run or one after a crash never adds them twice. Run it while no {@link Statistics} has
 * the store open (it would overwrite the snapshot with its own at its next save).
 */
public final class StatisticsImport {

  /** The error code imported failures are counted under (the source did not say why they failed). */
  public static final String FAILED_CODE = "imported";

  /** Counts without durations: requests, tokens, cost. */
  public record Counts(long requests, long successful, long failed, long inputTokens, long outputTokens,
      BigDecimal costUsd) {

    public Counts {
      costUsd = costUsd == null ? BigDecimal.ZERO : costUsd;
    }

    public static Counts requests(long requests, BigDecimal costUsd) {
      return new Counts(requests, requests, 0, 0, 0, costUsd);
    }
  }

  /** One UTC day's counts, in all and per model. */
  public record Day(LocalDate date, Counts total, Map<String, Counts> models) {

    public Day {
      Objects.requireNonNull(date, "date");
      models = Map.copyOf(models);
    }
  }

  /** All time (in all and per model) and the days. */
  public record Totals(Counts total, Map<String, Counts> models, List<Day> days) {

    public Totals {
      models = Map.copyOf(models);
      days = List.copyOf(days);
    }
  }

  private StatisticsImport() {
  }

  /**
   * Adds {@code totals} to the snapshot in {@code store} (a new one if there is none), unless an
   * import named {@code importId} was added before.
   *
   * @return whether they were added now
   */
  public static boolean add(StatisticsStore store, String importId, Totals totals, Instant now) {
    ObjectNode root = store.load().orElseGet(() -> Json.object().put("version", 1));
    ObjectNode imports = root.get("imports") instanceof ObjectNode saved ? saved : root.putObject("imports");
    if (imports.has(importId)) {
      return false;
    }
    DayStats allTime = root.has("all_time") ? DayStats.fromJson(root.get("all_time")) : new DayStats(null);
    allTime.addCounts(totals.total(), totals.models());
    root.set("all_time", allTime.toJson());
    TreeMap<LocalDate, DayStats> days = new TreeMap<>();
    for (JsonNode day : root.path("days")) {
      DayStats stats = DayStats.fromJson(day);
      days.put(stats.date(), stats);
    }
    for (Day day : totals.days()) {
      days.computeIfAbsent(day.date(), DayStats::new).addCounts(day.total(), day.models());
    }
    ArrayNode list = root.putArray("days");
    days.values().forEach(day -> list.add(day.toJson()));
    imports.put(importId, now.toString());
    store.save(root);
    return true;
  }
}
