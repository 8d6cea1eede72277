package dev.ccs.cli;

import dev.ccs.cli.base.ApiClient;
import dev.ccs.cli.base.Cli;
import dev.ccs.cli.command.ConfigCommand;
import dev.ccs.cli.command.DocsCommand;
import dev.ccs.cli.command.ImportCommand;
import dev.ccs.cli.command.KeysCommand;
import dev.ccs.cli.command.LogsCommand;
import dev.ccs.cli.command.PromptCommand;
import dev.ccs.cli.command.ProvidersCommand;
import dev.ccs.cli.command.ServerCommands;
import dev.ccs.cli.command.SessionsCommand;
import dev.ccs.cli.command.StatsCommand;
import dev.ccs.cli.command.TasksCommand;
import dev.ccs.cli.menu.Menu;
import dev.ccs.core.config.ConfigException;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.core.config.LoadedConfig;
import dev.ccs.core.config.Version;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ccs [--config FILE] [--json] COMMAND [ARGS]}; without a command, the menu. Exit codes: 0
 * ok, 1 failure, 2 usage, 3 the server is not running.
 */
public final class Main {

  static final String USAGE = String.join("\n",
      "usage: ccs [--config FILE] [--json] [COMMAND]",
      "  (no command)   the menu",
      "  start | stop | restart | status | serve",
      "  logs [-n N] [-f] [--grep TEXT]     docs     test [PROMPT]",
      "  sessions [list|show ID|delete ID]  tasks [list|show|priority|cancel|dead-letters|replay]",
      "  stats [--days N]                   providers [list|enable|disable|reset ID]",
      "  keys create|list|revoke|show-legacy",
      "  config get|set|validate|edit       import [NODE_HOME] [--requeue]",
      "exit codes: 0 ok, 1 failure, 2 usage, 3 server not running");

  /** Commands that talk to a running server: without one they exit 3. */
  private static final List<String> NEED_SERVER = List.of("sessions", "tasks", "stats", "providers", "test");

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.getenv(), new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
        System.out));
  }

  static int run(String[] args, Map<String, String> env, BufferedReader in, PrintStream out) throws Exception {
    Path configFile = ConfigLoader.defaultConfigFile();
    boolean json = false;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (rest.isEmpty() && args[i].equals("--config")) {
        if (i + 1 >= args.length) {
          out.println("--config needs a file");
          return Cli.USAGE;
        }
        configFile = Path.of(args[++i]);
      } else if (args[i].equals("--json")) {
        json = true;
      } else if (rest.isEmpty() && (args[i].equals("-v") || args[i].equals("--version"))) {
        out.println("ccs " + Version.current());
        return Cli.OK;
      } else if (rest.isEmpty() && (args[i].equals("-h") || args[i].equals("--help") || args[i].equals("help"))) {
        out.println(USAGE);
        return Cli.OK;
      } else {
        rest.add(args[i]);
      }
    }
    LoadedConfig config;
    try {
      config = ConfigLoader.load(configFile, env);
    } catch (ConfigException e) {
      out.println(e.getMessage());
      out.println("(check it: ccs --config " + configFile + " config validate)");
      return Cli.USAGE;
    }
    Cli cli = new Cli(config, env, in, out, json);
    String command = rest.isEmpty() ? "menu" : rest.get(0);
    List<String> params = rest.isEmpty() ? List.of() : rest.subList(1, rest.size());
    ServerCommands server = new ServerCommands(cli);
    if (NEED_SERVER.contains(command) && !server.running()) {
      out.println(json ? "{\"error\": \"the server is not running\", \"code\": \"not_running\"}"
          : "the server is not running (start it: ccs start)");
      return Cli.NOT_RUNNING;
    }
    try {
      return switch (command) {
        case "menu" -> new Menu(cli).run();
        case "start" -> params.isEmpty() ? server.start() : cli.usage("start takes no arguments", USAGE);
        case "stop" -> params.isEmpty() ? server.stop() : cli.usage("stop takes no arguments", USAGE);
        case "restart" -> params.isEmpty() ? server.restart() : cli.usage("restart takes no arguments", USAGE);
        case "status" -> params.isEmpty() ? server.status() : cli.usage("status takes no arguments", USAGE);
        case "serve" -> params.isEmpty() ? server.serve() : cli.usage("serve takes no arguments", USAGE);
        case "logs" -> new LogsCommand(cli).run(params);
        case "docs" -> new DocsCommand(cli).run();
        case "test" -> new PromptCommand(cli).run(params);
        case "sessions" -> new SessionsCommand(cli).run(params);
        case "tasks" -> new TasksCommand(cli).run(params);
        case "stats" -> new StatsCommand(cli).run(params);
        case "providers" -> new ProvidersCommand(cli).run(params);
        case "keys" -> params.isEmpty() || !List.of("list", "create", "revoke").contains(params.get(0))
            || server.running()
            ? new KeysCommand(cli).run(params) : notRunning(cli);
        case "config" -> new ConfigCommand(cli).run(params);
        case "import" -> new ImportCommand(config, env, in, out).run(json ? with(params, "--json") : params,
            server.running());
        default -> cli.usage("unknown command: " + command, USAGE);
      };
    } catch (ApiClient.Unreachable e) {
      out.println(e.getMessage() + " (is it running? ccs status)");
      return Cli.NOT_RUNNING;
    }
  }

  private static int notRunning(Cli cli) {
    cli.out().println("the server is not running (start it: ccs start)");
    return Cli.NOT_RUNNING;
  }

  private static List<String> with(List<String> params, String extra) {
    List<String> all = new ArrayList<>(params);
    if (!all.contains(extra)) {
      all.add(extra);
    }
    return all;
  }
}
