package dev.ccs.httpd.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.json.Json;
import dev.ccs.core.stats.DayStats;
import dev.ccs.core.stats.Statistics;
import dev.ccs.core.stats.Tally;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/statistics}: the Node server's paths and shapes (its fields kept, ours added), plus
 * providers, projects and duration percentiles. Costs are the CLI's API-equivalent estimate.
 */
public final class StatisticsHandler {

  /** What {@code cost_basis} says: the CLI's own estimate at API prices, not a bill. */
  static final String COST_BASIS = "cli_api_equivalent_estimate";
  private static final int MAX_RANGE_DAYS = 400;

  private final Ccs ccs;

  public StatisticsHandler(Ccs ccs) {
    this.ccs = ccs;
  }

  /** {@code GET /api/statistics}: summary, the last 7 days, the top 5 models. */
  public ApiResponse overview(ApiRequest request) {
    Queries.onlyKnown(request, Set.of());
    Statistics stats = enabled();
    ObjectNode statistics = Json.object();
    statistics.set("summary", summary(stats.allTime()));
    statistics.set("recent_daily", days(stats.daily(7)));
    statistics.set("top_models", models(stats.allTime(), 5));
    return ApiResponse.json(200, WireFormat.success().set("statistics", statistics));
  }

  /** {@code GET /api/statistics/summary}. */
  public ApiResponse summary(ApiRequest request) {
    Queries.onlyKnown(request, Set.of());
    return ApiResponse.json(200, WireFormat.success().set("statistics", summary(enabled().allTime())));
  }

  /** {@code GET /api/statistics/daily?limit=30}: days with runs, newest first. */
  public ApiResponse daily(ApiRequest request) {
    Queries.onlyKnown(request, Set.of("limit"));
    int limit = Queries.limit(request, 30, MAX_RANGE_DAYS);
    ArrayNode days = days(enabled().daily(limit));
    ObjectNode body = WireFormat.success();
    body.set("daily", days);
    body.put("count", days.size());
    return ApiResponse.json(200, body);
  }

  /** {@code GET /api/statistics/range?start=&end=}: every day of the range, oldest first. */
  public ApiResponse range(ApiRequest request) {
    Queries.onlyKnown(request, Set.of("start", "end"));
    Statistics stats = enabled();
    String start = request.query().get("start");
    String end = request.query().get("end");
    if (start == null || start.isEmpty() || end == null || end.isEmpty()) {
      throw new CcsException.InvalidRequest("Missing required parameters: start and end");
    }
    LocalDate from = date("start", start);
    LocalDate to = date("end", end);
    if (to.isBefore(from)) {
      throw new CcsException.InvalidRequest("\"end\" must not be before \"start\"");
    }
    if (ChronoUnit.DAYS.between(from, to) >= MAX_RANGE_DAYS) {
      throw new CcsException.InvalidRequest("a range spans at most " + MAX_RANGE_DAYS + " days");
    }
    ArrayNode days = days(stats.range(from, to));
    ObjectNode body = WireFormat.success();
    body.set("statistics", days);
    body.put("count", days.size());
    return ApiResponse.json(200, body);
  }

  /** {@code GET /api/statistics/models?limit=10}: all time, most used first. */
  public ApiResponse models(ApiRequest request) {
    Queries.onlyKnown(request, Set.of("limit"));
    int limit = Queries.limit(request, 10, 1000);
    ArrayNode models = models(enabled().allTime(), limit);
    ObjectNode body = WireFormat.success();
    body.set("models", models);
    body.put("count", models.size());
    return ApiResponse.json(200, body);
  }

  /** {@code GET /api/statistics/providers}: all time, per provider. */
  public ApiResponse providers(ApiRequest request) {
    Queries.onlyKnown(request, Set.of());
    ArrayNode providers = ranked(enabled().allTime().providers(), "id", 1000);
    ObjectNode body = WireFormat.success();
    body.set("providers", providers);
    body.put("count", providers.size());
    return ApiResponse.json(200, body);
  }

  /** {@code GET /api/statistics/projects?limit=100}: all time, per working directory, most used first. */
  public ApiResponse projects(ApiRequest request) {
    Queries.onlyKnown(request, Set.of("limit"));
    int limit = Queries.limit(request, 100, 1000);
    ArrayNode projects = ranked(enabled().allTime().projects(), "project_path", limit);
    ObjectNode body = WireFormat.success();
    body.set("projects", projects);
    body.put("count", projects.size());
    return ApiResponse.json(200, body);
  }

  private Statistics enabled() {
    Statistics stats = ccs.statistics();
    if (!stats.enabled()) {
      throw new CcsException.NotFound("statistics_disabled", "Statistics are disabled (statistics.enabled is false)");
    }
    return stats;
  }

  private static LocalDate date(String name, String value) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new CcsException.InvalidRequest("\"" + name + "\" must be a date as YYYY-MM-DD");
    }
  }

  private static ObjectNode summary(DayStats all) {
    Tally t = all.total();
    ObjectNode node = Json.object();
    ObjectNode requests = node.putObject("requests");
    requests.put("total", t.requests());
    requests.put("successful", t.successful());
    requests.put("failed", t.failed());
    ObjectNode byCode = requests.putObject("failed_by_code");
    t.failedByCode().forEach(byCode::put);
    ObjectNode tokens = node.putObject("tokens");
    tokens.put("total_input", t.inputTokens());
    tokens.put("total_output", t.outputTokens());
    tokens.put("total_cache_read", t.cacheReadTokens());
    tokens.put("total_cache_write", t.cacheWriteTokens());
    ObjectNode costs = node.putObject("costs");
    costs.put("total_usd", t.costUsd());
    costs.put("cost_basis", COST_BASIS);
    ObjectNode models = node.putObject("models");
    all.models().forEach((name, m) -> models.putObject(name).put("count", m.requests()).put("cost_usd", m.costUsd()));
    node.set("duration_ms", durations(t));
    node.put("total_turns", t.turns());
    return node;
  }

  private static ObjectNode durations(Tally t) {
    ObjectNode node = Json.object();
    node.put("average", t.averageDurationMs());
    node.put("p50", t.durationPercentile(0.50));
    node.put("p95", t.durationPercentile(0.95));
    node.put("p99", t.durationPercentile(0.99));
    node.put("total_api", t.totalApiDurationMs());
    return node;
  }

  private static ArrayNode days(List<DayStats> days) {
    ArrayNode array = Json.mapper().createArrayNode();
    for (DayStats day : days) {
      Tally t = day.total();
      ObjectNode node = array.addObject();
      node.put("date", day.date().toString());
      node.put("total_requests", t.requests());
      node.put("successful_requests", t.successful());
      node.put("failed_requests", t.failed());
      node.put("total_cost_usd", t.costUsd());
      node.put("total_input_tokens", t.inputTokens());
      node.put("total_output_tokens", t.outputTokens());
      node.put("total_cache_read_tokens", t.cacheReadTokens());
      node.put("total_cache_write_tokens", t.cacheWriteTokens());
      node.put("avg_duration_ms", t.averageDurationMs());
      node.put("p50_duration_ms", t.durationPercentile(0.50));
      node.put("p95_duration_ms", t.durationPercentile(0.95));
      node.put("p99_duration_ms", t.durationPercentile(0.99));
      node.put("total_turns", t.turns());
      ObjectNode byCode = node.putObject("failed_by_code");
      t.failedByCode().forEach(byCode::put);
      ObjectNode models = node.putObject("models");
      day.models().forEach((name, m) -> models.put(name, m.requests()));
      ObjectNode modelCosts = node.putObject("model_costs_usd");
      day.models().forEach((name, m) -> modelCosts.put(name, m.costUsd()));
      ObjectNode providers = node.putObject("providers");
      day.providers().forEach((name, p) -> providers.putObject(name).put("count", p.requests())
          .put("cost_usd", p.costUsd()));
    }
    return array;
  }

  private static ArrayNode models(DayStats all, int limit) {
    return ranked(all.models(), "name", limit);
  }

  private static ArrayNode ranked(Map<String, Tally> tallies, String key, int limit) {
    List<Map.Entry<String, Tally>> sorted = new ArrayList<>(tallies.entrySet());
    sorted.sort(Comparator.comparingLong((Map.Entry<String, Tally> e) -> e.getValue().requests()).reversed()
        .thenComparing(Map.Entry::getKey));
    ArrayNode array = Json.mapper().createArrayNode();
    for (Map.Entry<String, Tally> e : sorted.subList(0, Math.min(limit, sorted.size()))) {
      ObjectNode node = Json.object().put(key, e.getKey());
      node.setAll(tally(e.getValue()));
      array.add(node);
    }
    return array;
  }

  private static ObjectNode tally(Tally t) {
    ObjectNode node = Json.object();
    node.put("count", t.requests());
    node.put("successful", t.successful());
    node.put("failed", t.failed());
    node.put("cost_usd", t.costUsd());
    node.put("input_tokens", t.inputTokens());
    node.put("output_tokens", t.outputTokens());
    node.put("cache_read_tokens", t.cacheReadTokens());
    node.put("cache_write_tokens", t.cacheWriteTokens());
    node.put("avg_duration_ms", t.averageDurationMs());
    node.put("p95_duration_ms", t.durationPercentile(0.95));
    return node;
  }
}
