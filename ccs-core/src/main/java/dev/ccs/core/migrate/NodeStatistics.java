package dev.ccs.core.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.money.Usd;
import dev.ccs.core.stats.StatisticsImport;
import dev.ccs.core.stats.StatisticsImport.Counts;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Node server's {@code statistics/statistics.json} (seed §8.1) as counts to import: all time
 * (requests, tokens, cost; per model its count and cost) and each day (per model only a count).
 * Its audit log is not imported.
 */
final class NodeStatistics {

  private NodeStatistics() {
  }

  /** @throws IllegalArgumentException when the file is not the Node server's statistics */
  static StatisticsImport.Totals read(JsonNode root) {
    if (!root.isObject() || !(root.has("requests") || root.has("daily"))) {
      throw new IllegalArgumentException("not the Node server's statistics (no \"requests\" or \"daily\")");
    }
    JsonNode requests = root.path("requests");
    Counts total = new Counts(count(requests.path("total")), count(requests.path("successful")),
        count(requests.path("failed")), count(root.at("/tokens/total_input")), count(root.at("/tokens/total_output")),
        money(root.at("/costs/total_usd")));
    Map<String, Counts> models = new LinkedHashMap<>();
    root.path("models").fields().forEachRemaining(e -> models.put(e.getKey(),
        Counts.requests(count(e.getValue().path("count")), money(e.getValue().path("cost_usd")))));
    List<StatisticsImport.Day> days = new ArrayList<>();
    for (JsonNode day : root.path("daily")) {
      LocalDate date;
      try {
        date = LocalDate.parse(day.path("date").asText(""));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("a day whose \"date\" is not YYYY-MM-DD: " + day.path("date"));
      }
      Map<String, Counts> perModel = new LinkedHashMap<>();
      day.path("models").fields().forEachRemaining(e -> perModel.put(e.getKey(),
          Counts.requests(count(e.getValue()), BigDecimal.ZERO)));
      days.add(new StatisticsImport.Day(date, new Counts(count(day.path("total_requests")),
          count(day.path("successful_requests")), count(day.path("failed_requests")),
          count(day.path("total_input_tokens")), count(day.path("total_output_tokens")),
          money(day.path("total_cost_usd"))), perModel));
    }
    return new StatisticsImport.Totals(total, models, days);
  }

  private static long count(JsonNode node) {
    return node.canConvertToLong() && node.asLong() > 0 ? node.asLong() : 0;
  }

  /** The Node server summed floats (0.27060000000000006): rounded to our precision. */
  private static BigDecimal money(JsonNode node) {
    return node.isNumber() && node.decimalValue().signum() > 0 ? Usd.normalize(node.decimalValue()) : BigDecimal.ZERO;
  }
}
