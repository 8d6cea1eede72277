package dev.ccs.cli;

import dev.ccs.core.config.Version;
import dev.ccs.core.config.ConfigException;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.core.config.LoadedConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code ccs [--config FILE] [start|stop|status|menu|keys show-legacy|import ...]}: without a
 * command, the interactive menu.
 */
public final class Main {

  private static final String USAGE = "usage: ccs [--config FILE] [start|stop|status|menu|keys show-legacy|import]";

  private Main() {
  }

  public static void main(String[] args) throws IOException {
    System.exit(run(args, System.getenv(), new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
        System.out));
  }

  static int run(String[] args, Map<String, String> env, BufferedReader in, PrintStream out) throws IOException {
    Path configFile = ConfigLoader.defaultConfigFile();
    String command = "menu";
    java.util.List<String> rest = java.util.List.of();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> {
          if (i + 1 >= args.length) {
            out.println("--config needs a file");
            return 2;
          }
          configFile = Path.of(args[++i]);
        }
        case "-v", "--version" -> {
          out.println("ccs " + Version.current());
          return 0;
        }
        case "-h", "--help", "help" -> {
          out.println(USAGE);
          return 0;
        }
        case "start", "stop", "status", "menu" -> command = args[i];
        case "import" -> {
          command = "import";
          rest = java.util.Arrays.asList(args).subList(i + 1, args.length);
          i = args.length;
        }
        case "keys" -> {
          if (i + 1 >= args.length || !args[i + 1].equals("show-legacy")) {
            out.println("usage: ccs keys show-legacy (create, list and revoke: POST/GET/DELETE /api/keys)");
            return 2;
          }
          command = "keys show-legacy";
          i++;
        }
        default -> {
          out.println("unknown command: " + args[i] + " (" + USAGE + ")");
          return 2;
        }
      }
    }
    LoadedConfig config;
    try {
      config = ConfigLoader.load(configFile, env);
    } catch (ConfigException e) {
      out.println(e.getMessage());
      return 2;
    }
    Commands commands = new Commands(config);
    return switch (command) {
      case "start" -> commands.start(out);
      case "stop" -> commands.stop(out);
      case "status" -> commands.status(out);
      case "keys show-legacy" -> commands.showLegacyKey(out);
      case "import" -> new ImportCommand(config, env, in, out).run(rest, commands.isRunning());
      default -> {
        new Menu(in, out, commands).run();
        yield 0;
      }
    };
  }
}
