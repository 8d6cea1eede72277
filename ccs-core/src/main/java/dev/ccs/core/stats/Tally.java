package dev.ccs.core.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import dev.ccs.core.money.Usd;
import dev.ccs.core.protocol.ModelUsage;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counts of a set of runs: requests (and failures by error code), tokens, cost (exact, in
 * {@link BigDecimal}), durations with a {@link DurationHistogram}, turns. Guarded by the
 * {@link Statistics} that owns it.
 */
public final class Tally {

  private long requests;
  private long successful;
  private final Map<String, Long> failedByCode = new TreeMap<>();
  private long inputTokens;
  private long outputTokens;
  private long cacheReadTokens;
  private long cacheWriteTokens;
  private BigDecimal costUsd = BigDecimal.ZERO;
  private long durationMs;
  private long apiDurationMs;
  private long turns;
  private final DurationHistogram durations = new DurationHistogram();

  /** Counts a whole run. */
  void add(RunSample run) {
    count(run);
    inputTokens += run.inputTokens();
    outputTokens += run.outputTokens();
    cacheReadTokens += run.cacheReadTokens();
    cacheWriteTokens += run.cacheWriteTokens();
    costUsd = costUsd.add(run.costUsd());
  }

  /** Counts a run in a model's tally: the run, and only what it used of that model. */
  void add(RunSample run, ModelUsage used) {
    count(run);
    inputTokens += used.inputTokens();
    outputTokens += used.outputTokens();
    cacheReadTokens += used.cacheReadInputTokens();
    cacheWriteTokens += used.cacheCreationInputTokens();
    costUsd = costUsd.add(used.costUsd());
  }

  /**
   * Adds counts kept elsewhere (an import): no durations or turns are known, so averages and
   * percentiles stay those of the runs counted here.
   */
  void addCounts(StatisticsImport.Counts counts) {
    requests += counts.requests();
    successful += counts.successful();
    if (counts.failed() > 0) {
      failedByCode.merge(StatisticsImport.FAILED_CODE, counts.failed(), Long::sum);
    }
    inputTokens += counts.inputTokens();
    outputTokens += counts.outputTokens();
    costUsd = costUsd.add(counts.costUsd());
  }

  /** Adds another tally (another node's counts of other runs). */
  void addAll(Tally other) {
    requests += other.requests;
    successful += other.successful;
    other.failedByCode.forEach((code, count) -> failedByCode.merge(code, count, Long::sum));
    inputTokens += other.inputTokens;
    outputTokens += other.outputTokens;
    cacheReadTokens += other.cacheReadTokens;
    cacheWriteTokens += other.cacheWriteTokens;
    costUsd = costUsd.add(other.costUsd);
    durationMs += other.durationMs;
    apiDurationMs += other.apiDurationMs;
    turns += other.turns;
    durations.addAll(other.durations);
  }

  private void count(RunSample run) {
    requests++;
    if (run.succeeded()) {
      successful++;
    } else {
      failedByCode.merge(run.errorCode() == null ? "error" : run.errorCode(), 1L, Long::sum);
    }
    durationMs += run.durationMs();
    apiDurationMs += run.apiDurationMs();
    turns += run.turns();
    durations.add(run.durationMs());
  }

  public long requests() {
    return requests;
  }

  public long successful() {
    return successful;
  }

  public long failed() {
    return requests - successful;
  }

  public Map<String, Long> failedByCode() {
    return Map.copyOf(failedByCode);
  }

  public long inputTokens() {
    return inputTokens;
  }

  public long outputTokens() {
    return outputTokens;
  }

  public long cacheReadTokens() {
    return cacheReadTokens;
  }

  public long cacheWriteTokens() {
    return cacheWriteTokens;
  }

  public BigDecimal costUsd() {
    return Usd.normalize(costUsd);
  }

  public long turns() {
    return turns;
  }

  public long totalDurationMs() {
    return durationMs;
  }

  public long totalApiDurationMs() {
    return apiDurationMs;
  }

  /** Mean run duration, 0 without runs. */
  public long averageDurationMs() {
    return requests == 0 ? 0 : Math.round((double) durationMs / requests);
  }

  /** A percentile (0-1) of run duration in ms, within 4.4 % ({@link DurationHistogram}). */
  public long durationPercentile(double quantile) {
    return durations.percentile(quantile);
  }

  Tally copy() {
    Tally copy = fromJson(toJson());
    return copy;
  }

  ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("requests", requests);
    node.put("successful", successful);
    ObjectNode failed = node.putObject("failed_by_code");
    failedByCode.forEach(failed::put);
    node.put("input_tokens", inputTokens);
    node.put("output_tokens", outputTokens);
    node.put("cache_read_tokens", cacheReadTokens);
    node.put("cache_write_tokens", cacheWriteTokens);
    node.put("cost_usd", costUsd());
    node.put("duration_ms", durationMs);
    node.put("api_duration_ms", apiDurationMs);
    node.put("turns", turns);
    node.set("durations", durations.toJson());
    return node;
  }

  static Tally fromJson(JsonNode node) {
    Tally t = new Tally();
    t.requests = node.path("requests").asLong();
    t.successful = node.path("successful").asLong();
    node.path("failed_by_code").fields().forEachRemaining(e -> t.failedByCode.put(e.getKey(), e.getValue().asLong()));
    t.inputTokens = node.path("input_tokens").asLong();
    t.outputTokens = node.path("output_tokens").asLong();
    t.cacheReadTokens = node.path("cache_read_tokens").asLong();
    t.cacheWriteTokens = node.path("cache_write_tokens").asLong();
    t.costUsd = node.hasNonNull("cost_usd") ? node.get("cost_usd").decimalValue() : BigDecimal.ZERO;
    t.durationMs = node.path("duration_ms").asLong();
    t.apiDurationMs = node.path("api_duration_ms").asLong();
    t.turns = node.path("turns").asLong();
    t.durations.addAll(DurationHistogram.fromJson(node.get("durations")));
    return t;
  }
}
