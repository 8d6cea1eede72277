package dev.ccs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.cli.base.ApiClient;
import dev.ccs.cli.base.Cli;
import dev.ccs.cli.base.Table;
import java.util.List;

/** {@code ccs providers [list | enable ID | disable ID | reset ID]}: the running server's providers. */
public final class ProvidersCommand {

  static final String USAGE = "usage: ccs providers [list | enable ID | disable ID | reset ID] [--json]";

  private final Cli cli;

  public ProvidersCommand(Cli cli) {
    this.cli = cli;
  }

  public int run(List<String> args) {
    String action = args.isEmpty() ? "list" : args.get(0);
    if (action.equals("list") && args.size() <= 1) {
      return list();
    }
    if (List.of("enable", "disable", "reset").contains(action) && args.size() == 2) {
      return act(action, args.get(1));
    }
    return cli.usage("unexpected arguments: " + args, USAGE);
  }

  public int list() {
    ApiClient.Reply reply = cli.api().call("GET", "/api/load-balance/status");
    return cli.answered(reply, () -> {
      JsonNode body = reply.body();
      cli.out().println("strategy: " + body.path("strategy").asText() + ", failover " + body.path("failover").asBoolean());
      Table table = Table.of("ID", "NAME", "WEIGHT", "ENABLED", "STATE", "REQUESTS", "FAILURES", "SESSIONS");
      for (JsonNode p : body.path("providers")) {
        table.row(p.path("id").asText(), p.path("name").asText(), p.path("weight").asInt(), p.path("enabled").asBoolean(),
            p.path("state").asText(p.path("healthy").asBoolean() ? "healthy" : "unhealthy"),
            p.path("totalRequests").asLong(), p.path("consecutiveFailures").asLong(), p.path("boundSessions").asLong());
      }
      if (table.isEmpty()) {
        cli.out().println("no providers configured (runs use the CLI's own credentials)");
      } else {
        table.print(cli.out());
      }
    });
  }

  public int act(String action, String id) {
    ApiClient.Reply reply = cli.api().call("POST", "/api/load-balance/providers/" + SessionsCommand.encode(id) + "/"
        + action);
    return cli.answered(reply, () -> cli.out().println(reply.body().path("message").asText(action + " " + id)));
  }
}
