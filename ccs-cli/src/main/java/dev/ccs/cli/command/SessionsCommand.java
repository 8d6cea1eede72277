package dev.ccs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.cli.base.ApiClient;
import dev.ccs.cli.base.Cli;
import dev.ccs.cli.base.Table;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/** {@code ccs sessions [list|show ID|delete ID] [--status S] [--search TEXT] [--limit N] [--cursor C] [--yes]}. */
public final class SessionsCommand {

  static final String USAGE = "usage: ccs sessions [list [--status active|archived|closed] [--search TEXT] [--limit N] "
      + "[--cursor C] | show ID | delete ID [--yes]] [--json]";

  private final Cli cli;

  public SessionsCommand(Cli cli) {
    this.cli = cli;
  }

  public int run(List<String> arguments) {
    Args args = Args.parse(arguments, Set.of("--status", "--search", "--limit", "--cursor"), Set.of("--yes"));
    if (!args.unknown.isEmpty()) {
      return cli.usage("unknown option: " + args.unknown.get(0), USAGE);
    }
    String action = args.positional(0) == null ? "list" : args.positional(0);
    Integer limit = args.number("--limit", 20, 1, 1000);
    if (limit == null) {
      return cli.usage("--limit must be 1-1000", USAGE);
    }
    return switch (action) {
      case "list" -> list(args.option("--status"), args.option("--search"), limit, args.option("--cursor"));
      case "show" -> args.positional(1) == null ? cli.usage("show needs a session id", USAGE) : show(args.positional(1));
      case "delete" -> args.positional(1) == null ? cli.usage("delete needs a session id", USAGE)
          : delete(args.positional(1), args.flag("--yes"));
      default -> cli.usage("unknown action: " + action, USAGE);
    };
  }

  /** One page, newest first; the reply's {@code next_cursor} (or null) for the next page. */
  public ApiClient.Reply page(String status, String search, int limit, String cursor) {
    String path = search != null && !search.isBlank()
        ? "/api/sessions/search?q=" + encode(search) + "&limit=" + Math.min(limit, 100)
        : "/api/sessions?limit=" + limit + (status == null ? "" : "&status=" + encode(status))
            + (cursor == null ? "" : "&cursor=" + encode(cursor));
    return cli.api().call("GET", path);
  }

  public int list(String status, String search, int limit, String cursor) {
    ApiClient.Reply reply = page(status, search, limit, cursor);
    return cli.answered(reply, () -> printPage(reply.body()));
  }

  void printPage(JsonNode body) {
    if (!printSessions(body.path("sessions"))) {
      return;
    }
    if (body.path("has_more").asBoolean()) {
      cli.out().println("(more: --cursor " + body.path("next_cursor").asText() + ")");
    }
  }

  /** The sessions as a numbered table (the menu's numbers refer to it); false when there are none. */
  public boolean printSessions(JsonNode sessions) {
    Table table = Table.of("#", "ID", "STATUS", "TURNS", "COST", "UPDATED", "PROJECT");
    int n = 0;
    for (JsonNode s : sessions) {
      table.row(++n, s.path("id").asText(), s.path("status").asText(), s.path("messages_count").asInt(),
          Table.usd(s.path("total_cost_usd")), s.path("updated_at").asText().replaceFirst("\\.\\d+Z$", "Z"),
          s.path("project_path").asText());
    }
    if (table.isEmpty()) {
      cli.out().println("no sessions");
      return false;
    }
    table.print(cli.out());
    return true;
  }

  public int show(String id) {
    ApiClient.Reply session = cli.api().call("GET", "/api/sessions/" + encode(id));
    if (!session.ok()) {
      return cli.failed(session);
    }
    ApiClient.Reply messages = cli.api().call("GET", "/api/sessions/" + encode(id) + "/messages?limit=10&order=desc");
    if (cli.json()) {
      com.fasterxml.jackson.databind.node.ObjectNode both = session.body().deepCopy();
      both.set("recent_messages", messages.body().path("messages"));
      cli.printJson(both);
      return Cli.OK;
    }
    JsonNode s = session.body().path("session");
    cli.out().println("session " + s.path("id").asText() + " (" + s.path("status").asText() + ")");
    cli.out().println("  project:  " + s.path("project_path").asText());
    cli.out().println("  model:    " + s.path("model").asText("-"));
    cli.out().println("  turns:    " + s.path("messages_count").asInt() + ", cost " + Table.usd(s.path("total_cost_usd")));
    cli.out().println("  created:  " + s.path("created_at").asText() + ", updated " + s.path("updated_at").asText());
    if (s.path("metadata").size() > 0) {
      cli.out().println("  metadata: " + s.path("metadata"));
    }
    JsonNode list = messages.body().path("messages");
    cli.out().println("recent messages (" + list.size() + " of " + messages.body().path("count").asInt(list.size()) + "):");
    for (int i = list.size() - 1; i >= 0; i--) {
      JsonNode m = list.get(i);
      String content = m.path("content").asText().replace('\n', ' ');
      cli.out().printf("  %-10s %s%n", m.path("role").asText() + ":", content.length() > 100
          ? content.substring(0, 97) + "..." : content);
    }
    return Cli.OK;
  }

  public int delete(String id, boolean confirmed) {
    if (!confirmed && (cli.json() || !cli.confirm("delete session " + id + " and its messages?"))) {
      cli.out().println(cli.json() ? "{\"error\": \"add --yes to delete without asking\"}" : "not deleted");
      return Cli.FAILURE;
    }
    ApiClient.Reply reply = cli.api().call("DELETE", "/api/sessions/" + encode(id));
    return cli.answered(reply, () -> cli.out().println("deleted " + id));
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
