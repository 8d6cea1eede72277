package dev.ccs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.cli.base.ApiClient;
import dev.ccs.cli.base.Cli;
import dev.ccs.cli.base.Table;
import dev.ccs.core.json.Json;
import java.util.List;
import java.util.Set;

/** {@code ccs stats [--days N]}: all time, the last N days (7 by default) and per model, as aligned tables. */
public final class StatsCommand {

  static final String USAGE = "usage: ccs stats [--days 1-400] [--json]";

  private final Cli cli;

  public StatsCommand(Cli cli) {
    this.cli = cli;
  }

  public int run(List<String> arguments) {
    Args args = Args.parse(arguments, Set.of("--days"), Set.of());
    Integer days = args.number("--days", 7, 1, 400);
    if (!args.unknown.isEmpty() || !args.positional.isEmpty() || days == null) {
      return cli.usage("unexpected arguments: " + arguments, USAGE);
    }
    return show(days);
  }

  public int show(int days) {
    ApiClient.Reply summary = cli.api().call("GET", "/api/statistics/summary");
    if (!summary.ok()) {
      return cli.failed(summary);
    }
    ApiClient.Reply daily = cli.api().call("GET", "/api/statistics/daily?limit=" + days);
    ApiClient.Reply models = cli.api().call("GET", "/api/statistics/models?limit=20");
    if (cli.json()) {
      cli.printJson(Json.object().<com.fasterxml.jackson.databind.node.ObjectNode>set("summary",
          summary.body().path("statistics")).<com.fasterxml.jackson.databind.node.ObjectNode>set("daily",
          daily.body().path("daily")).set("models", models.body().path("models")));
      return Cli.OK;
    }
    JsonNode s = summary.body().path("statistics");
    cli.out().println("all time: " + s.at("/requests/total").asLong() + " requests (" + s.at("/requests/successful")
        .asLong() + " ok, " + s.at("/requests/failed").asLong() + " failed), " + s.at("/tokens/total_input").asLong()
        + " input and " + s.at("/tokens/total_output").asLong() + " output tokens, " + Table.usd(s.at("/costs/total_usd")));
    cli.out().println();
    cli.out().println("last " + days + " day(s), UTC:");
    Table table = Table.of("DATE", "REQUESTS", "OK", "FAILED", "INPUT", "OUTPUT", "COST");
    for (JsonNode d : daily.body().path("daily")) {
      table.row(d.path("date").asText(), d.path("total_requests").asLong(), d.path("successful_requests").asLong(),
          d.path("failed_requests").asLong(), d.path("total_input_tokens").asLong(), d.path("total_output_tokens").asLong(),
          Table.usd(d.path("total_cost_usd")));
    }
    if (table.isEmpty()) {
      cli.out().println("  no requests");
    } else {
      table.print(cli.out());
    }
    cli.out().println();
    Table perModel = Table.of("MODEL", "REQUESTS", "COST");
    for (JsonNode m : models.body().path("models")) {
      perModel.row(m.path("name").asText(), m.path("count").asLong(), Table.usd(m.path("cost_usd")));
    }
    if (!perModel.isEmpty()) {
      perModel.print(cli.out());
    }
    return Cli.OK;
  }
}
