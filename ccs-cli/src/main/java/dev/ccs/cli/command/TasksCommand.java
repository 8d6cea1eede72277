package dev.ccs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.cli.base.ApiClient;
import dev.ccs.cli.base.Cli;
import dev.ccs.cli.base.Table;
import dev.ccs.core.json.Json;
import java.util.List;
import java.util.Set;

/**
 * {@code ccs tasks [list [--status S] | show ID | priority ID N | cancel ID | dead-letters | replay ID]}.
 */
public final class TasksCommand {

  static final String USAGE = "usage: ccs tasks [list [--status pending|processing|completed|failed|cancelled|timeout] "
      + "[--limit N] | show ID | priority ID 1-10 | cancel ID | dead-letters | replay ID] [--json]";

  private final Cli cli;

  public TasksCommand(Cli cli) {
    this.cli = cli;
  }

  public int run(List<String> arguments) {
    Args args = Args.parse(arguments, Set.of("--status", "--limit"), Set.of());
    if (!args.unknown.isEmpty()) {
      return cli.usage("unknown option: " + args.unknown.get(0), USAGE);
    }
    Integer limit = args.number("--limit", 20, 1, 1000);
    if (limit == null) {
      return cli.usage("--limit must be 1-1000", USAGE);
    }
    String action = args.positional(0) == null ? "list" : args.positional(0);
    String id = args.positional(1);
    return switch (action) {
      case "list" -> list(args.option("--status"), limit);
      case "dead-letters" -> deadLetters(limit);
      case "show", "cancel", "replay" -> id == null ? cli.usage(action + " needs a task id", USAGE)
          : action.equals("show") ? show(id) : action.equals("cancel") ? cancel(id) : replay(id);
      case "priority" -> {
        if (id == null || args.positional(2) == null || !args.positional(2).matches("\\d{1,2}")) {
          yield cli.usage("priority needs a task id and a priority 1-10", USAGE);
        }
        yield priority(id, Integer.parseInt(args.positional(2)));
      }
      default -> cli.usage("unknown action: " + action, USAGE);
    };
  }

  public ApiClient.Reply page(String status, int limit) {
    return cli.api().call("GET", "/api/tasks?limit=" + limit + (status == null || status.isBlank() ? ""
        : "&status=" + SessionsCommand.encode(status)));
  }

  public int list(String status, int limit) {
    ApiClient.Reply reply = page(status, limit);
    return cli.answered(reply, () -> printTasks(reply.body().path("tasks")));
  }

  public int deadLetters(int limit) {
    ApiClient.Reply reply = cli.api().call("GET", "/api/tasks/dead-letter?limit=" + limit);
    return cli.answered(reply, () -> printTasks(reply.body().path("tasks")));
  }

  /** The tasks as a numbered table (the menu's numbers refer to it). */
  public void printTasks(JsonNode tasks) {
    Table table = Table.of("#", "ID", "STATUS", "PRIORITY", "COST", "CREATED", "PROMPT");
    int n = 0;
    for (JsonNode t : tasks) {
      String prompt = t.path("prompt").asText().replace('\n', ' ');
      table.row(++n, t.path("id").asText(), t.path("status").asText(), t.path("priority").asInt(),
          Table.usd(t.path("cost_usd")), t.path("created_at").asText().replaceFirst("\\.\\d+Z$", "Z"),
          prompt.length() > 40 ? prompt.substring(0, 37) + "..." : prompt);
    }
    if (table.isEmpty()) {
      cli.out().println("no tasks");
    } else {
      table.print(cli.out());
    }
  }

  public int show(String id) {
    ApiClient.Reply reply = cli.api().call("GET", "/api/tasks/" + SessionsCommand.encode(id));
    return cli.answered(reply, () -> {
      JsonNode t = reply.body().path("task");
      cli.out().println("task " + t.path("id").asText() + " (" + t.path("status").asText() + ", priority "
          + t.path("priority").asInt() + ")");
      cli.out().println("  session:  " + t.path("session_id").asText("-"));
      cli.out().println("  prompt:   " + t.path("prompt").asText());
      cli.out().println("  created:  " + t.path("created_at").asText() + ", attempts " + t.path("attempts").asInt());
      if (t.hasNonNull("result")) {
        cli.out().println("  result:   " + t.path("result").asText());
      }
      if (t.hasNonNull("error")) {
        cli.out().println("  error:    " + t.path("error").asText());
      }
      cli.out().println("  cost:     " + Table.usd(t.path("cost_usd")) + ", " + t.path("duration_ms").asText("-") + " ms");
    });
  }

  public int priority(String id, int priority) {
    ApiClient.Reply reply = cli.api().call("PATCH", "/api/tasks/" + SessionsCommand.encode(id) + "/priority",
        Json.object().put("priority", priority), java.time.Duration.ofSeconds(30));
    return cli.answered(reply, () -> cli.out().println("priority of " + id + ": " + reply.body().path("old_priority")
        .asInt() + " -> " + reply.body().path("new_priority").asInt()));
  }

  public int cancel(String id) {
    ApiClient.Reply reply = cli.api().call("DELETE", "/api/tasks/" + SessionsCommand.encode(id), null,
        java.time.Duration.ofMinutes(2));
    return cli.answered(reply, () -> cli.out().println("cancelled " + id));
  }

  public int replay(String id) {
    ApiClient.Reply reply = cli.api().call("POST", "/api/tasks/" + SessionsCommand.encode(id) + "/replay", Json.object(),
        java.time.Duration.ofSeconds(30));
    return cli.answered(reply, () -> cli.out().println("replayed as task " + reply.body().at("/task/id").asText()));
  }
}
