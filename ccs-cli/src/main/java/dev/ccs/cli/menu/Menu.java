package dev.ccs.cli.menu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.cli.base.ApiClient;
import dev.ccs.cli.base.Cli;
import dev.ccs.cli.base.Table;
import dev.ccs.cli.command.DocsCommand;
import dev.ccs.cli.command.KeysCommand;
import dev.ccs.cli.command.LogsCommand;
import dev.ccs.cli.command.PromptCommand;
import dev.ccs.cli.command.ServerCommands;
import dev.ccs.cli.command.SessionsCommand;
import dev.ccs.cli.command.StatsCommand;
import dev.ccs.cli.command.TasksCommand;
import dev.ccs.core.config.Version;
import java.util.ArrayList;
import java.util.List;

/**
 * The menu: numbered choices read a line at a time from the injected input, so it works in any
 * terminal, over ssh, in a pipe and in a test that feeds it lines; no terminal library. Areas that
 * need the server say when it is not running and offer to start it. It ends at {@code 0} or at the
 * end of the input.
 */
public final class Menu {

  private Cli cli;

  public Menu(Cli cli) {
    this.cli = cli.asText();
  }

  public int run() {
    while (true) {
      ServerCommands server = new ServerCommands(cli);
      boolean running = server.running();
      cli.out().println();
      cli.out().println("ccs " + Version.current() + " - " + (running ? "server running at " + cli.api().base()
          : "server not running"));
      cli.out().println("   1) start            2) stop             3) restart          4) status");
      cli.out().println("   5) sessions         6) projects         7) statistics       8) tasks");
      cli.out().println("   9) logs            10) API docs        11) configuration   12) API keys");
      cli.out().println("  13) test a prompt    0) quit");
      String choice = cli.ask("> ");
      if (choice == null) {
        return Cli.OK;
      }
      switch (choice) {
        case "1" -> server.start();
        case "2" -> server.stop();
        case "3" -> server.restart();
        case "4" -> server.status();
        case "5" -> withServer(this::sessions);
        case "6" -> withServer(this::projects);
        case "7" -> withServer(this::statistics);
        case "8" -> withServer(this::tasks);
        case "9" -> logs();
        case "10" -> new DocsCommand(cli).run();
        case "11" -> cli = new ConfigMenu(cli).run();
        case "12" -> keys();
        case "13" -> withServer(this::testPrompt);
        case "0", "q", "quit", "exit" -> {
          return Cli.OK;
        }
        case "" -> { }
        default -> cli.out().println("unknown choice: " + choice + " (a number from the list)");
      }
    }
  }

  /** Runs an area that needs the server; offers to start it when it is not running. */
  private void withServer(Runnable area) {
    ServerCommands server = new ServerCommands(cli);
    if (!server.running()) {
      cli.out().println("the server is not running.");
      if (!cli.confirm("start it now?") || server.start() != Cli.OK) {
        return;
      }
    }
    try {
      area.run();
    } catch (ApiClient.Unreachable e) {
      cli.out().println(e.getMessage() + "; check it with 4) status");
    }
  }

  // ---------------------------------------------------------------- sessions

  private void sessions() {
    SessionsCommand command = new SessionsCommand(cli);
    String search = null;
    String cursor = null;
    List<String> cursors = new ArrayList<>();
    while (true) {
      ApiClient.Reply page = command.page(null, search, 10, cursor);
      if (!page.ok()) {
        cli.failed(page);
        return;
      }
      List<String> ids = new ArrayList<>();
      page.body().path("sessions").forEach(s -> ids.add(s.path("id").asText()));
      cli.out().println();
      cli.out().println(search == null ? "sessions, most recent first:" : "sessions matching \"" + search + "\":");
      command.printSessions(page.body().path("sessions"));
      boolean more = page.body().path("has_more").asBoolean();
      String answer = cli.ask("v N) view  d N) delete  s TEXT) search  a) all" + (more ? "  n) next page" : "")
          + (cursors.isEmpty() ? "" : "  p) previous page") + "  b) back > ");
      if (answer == null || answer.equals("b") || answer.isEmpty()) {
        return;
      }
      if (answer.equals("n") && more) {
        cursors.add(cursor);
        cursor = page.body().path("next_cursor").asText();
      } else if (answer.equals("p") && !cursors.isEmpty()) {
        cursor = cursors.remove(cursors.size() - 1);
      } else if (answer.startsWith("s ")) {
        search = answer.substring(2).trim();
        cursor = null;
        cursors.clear();
      } else if (answer.equals("a")) {
        search = null;
        cursor = null;
        cursors.clear();
      } else if (answer.matches("[vd] \\d+")) {
        int index = Integer.parseInt(answer.substring(2)) - 1;
        if (index < 0 || index >= ids.size()) {
          cli.out().println("no session #" + (index + 1) + " on this page");
        } else if (answer.startsWith("v")) {
          command.show(ids.get(index));
        } else {
          command.delete(ids.get(index), false);
        }
      } else {
        cli.out().println("unknown choice: " + answer);
      }
    }
  }

  private void projects() {
    ApiClient.Reply reply = cli.api().call("GET", "/api/projects?limit=50");
    cli.answered(reply, () -> {
      Table table = Table.of("PROJECT", "SESSIONS", "TURNS", "COST", "LAST ACTIVITY");
      for (JsonNode p : reply.body().path("projects")) {
        table.row(p.path("project_path").asText(), p.path("session_count").asInt(), p.path("messages_count").asInt(),
            Table.usd(p.path("total_cost_usd")), p.path("last_activity").asText());
      }
      if (table.isEmpty()) {
        cli.out().println("no projects yet");
      } else {
        table.print(cli.out());
      }
    });
  }

  private void statistics() {
    StatsCommand stats = new StatsCommand(cli);
    stats.show(7);
    String answer = cli.ask("30) the last 30 days  enter) back > ");
    if ("30".equals(answer)) {
      stats.show(30);
    }
  }

  // ---------------------------------------------------------------- tasks

  private void tasks() {
    TasksCommand command = new TasksCommand(cli);
    String status = null;
    boolean deadLetters = false;
    while (true) {
      ApiClient.Reply page = deadLetters ? cli.api().call("GET", "/api/tasks/dead-letter?limit=20")
          : command.page(status, 20);
      if (!page.ok()) {
        cli.failed(page);
        return;
      }
      List<String> ids = new ArrayList<>();
      page.body().path("tasks").forEach(t -> ids.add(t.path("id").asText()));
      cli.out().println();
      cli.out().println(deadLetters ? "dead letters (failed for good):" : status == null ? "tasks, newest first:"
          : "tasks " + status + ":");
      command.printTasks(page.body().path("tasks"));
      String answer = cli.ask("v N) view  p N PRIORITY) priority  c N) cancel  r N) replay  f STATUS) filter  "
          + "a) all  l) dead letters  b) back > ");
      if (answer == null || answer.equals("b") || answer.isEmpty()) {
        return;
      }
      String[] words = answer.split("\\s+");
      int index = words.length > 1 && words[1].matches("\\d+") ? Integer.parseInt(words[1]) - 1 : -1;
      switch (words[0]) {
        case "a" -> {
          status = null;
          deadLetters = false;
        }
        case "l" -> deadLetters = true;
        case "f" -> {
          status = words.length > 1 ? words[1] : null;
          deadLetters = false;
        }
        case "v", "c", "r", "p" -> {
          if (index < 0 || index >= ids.size()) {
            cli.out().println("no task #" + (index + 1) + " in the list");
          } else if (words[0].equals("v")) {
            command.show(ids.get(index));
          } else if (words[0].equals("r")) {
            command.replay(ids.get(index));
          } else if (words[0].equals("c")) {
            if (cli.confirm("cancel task " + ids.get(index) + "?")) {
              command.cancel(ids.get(index));
            }
          } else if (words.length < 3 || !words[2].matches("\\d{1,2}")) {
            cli.out().println("say the new priority too: p " + (index + 1) + " 8 (1-10, 10 runs first)");
          } else {
            command.priority(ids.get(index), Integer.parseInt(words[2]));
          }
        }
        default -> cli.out().println("unknown choice: " + answer);
      }
    }
  }

  // ---------------------------------------------------------------- the rest

  private void logs() {
    String answer = cli.ask("how many lines (enter: 20), or /TEXT to search > ");
    if (answer == null) {
      return;
    }
    LogsCommand logs = new LogsCommand(cli);
    if (answer.startsWith("/")) {
      logs.show(50, answer.substring(1), false);
    } else {
      logs.show(answer.matches("\\d{1,5}") ? Math.max(1, Integer.parseInt(answer)) : 20, null, false);
    }
  }

  private void keys() {
    KeysCommand keys = new KeysCommand(cli);
    String answer = cli.ask("1) list  2) create  3) revoke  4) show the Node server's key  b) back > ");
    if (answer == null) {
      return;
    }
    switch (answer) {
      case "1" -> withServer(keys::list);
      case "2" -> withServer(() -> {
        String name = cli.ask("name: ");
        if (name != null && !name.isEmpty()) {
          String scopes = cli.ask("scopes (read, run, admin; enter for all): ");
          keys.create(name, scopes, 0);
        }
      });
      case "3" -> withServer(() -> {
        String id = cli.ask("key id or name: ");
        if (id != null && !id.isEmpty() && cli.confirm("revoke " + id + "?")) {
          keys.revoke(id);
        }
      });
      case "4" -> keys.showLegacy();
      default -> { }
    }
  }

  private void testPrompt() {
    String prompt = cli.ask("prompt (enter: \"Say hello\"): ");
    if (prompt == null) {
      return;
    }
    String project = cli.ask("project path (enter: the workspace): ");
    cli.out().println("waiting for the answer...");
    new PromptCommand(cli).send(prompt.isEmpty() ? "Say hello" : prompt, project);
  }
}
