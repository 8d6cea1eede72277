package dev.ccs.cli.command;

import dev.ccs.cli.base.Cli;
import dev.ccs.cli.base.LogFile;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * {@code ccs logs [-n N] [-f] [--grep TEXT]}: the server log's last lines, searched and followed in
 * Java; the text searched for is never given to a shell (Node defect #10).
 */
public final class LogsCommand {

  static final String USAGE = "usage: ccs logs [-n 1-10000] [-f] [--grep TEXT] [--json]";

  private final Cli cli;
  private final BooleanSupplier keepFollowing;

  public LogsCommand(Cli cli) {
    this(cli, () -> !Thread.currentThread().isInterrupted());
  }

  /** @param keepFollowing how long {@code -f} goes on (until the process is stopped, by default) */
  LogsCommand(Cli cli, BooleanSupplier keepFollowing) {
    this.cli = cli;
    this.keepFollowing = keepFollowing;
  }

  public int run(List<String> arguments) {
    Args args = Args.parse(arguments, Set.of("-n", "--grep"), Set.of("-f", "--follow"));
    Integer lines = args.number("-n", 20, 1, 10_000);
    if (!args.unknown.isEmpty() || !args.positional.isEmpty() || lines == null) {
      return cli.usage("unexpected arguments: " + arguments, USAGE);
    }
    return show(lines, args.option("--grep"), args.flag("-f") || args.flag("--follow"));
  }

  public int show(int count, String grep, boolean follow) {
    Path file = cli.config().config().logFile();
    if (!Files.exists(file)) {
      cli.out().println("no log yet at " + file + " (the server writes it once started: ccs start)");
      return Cli.FAILURE;
    }
    try {
      List<String> lines = LogFile.lastLines(file, count, grep);
      if (cli.json()) {
        var array = Json.mapper().createArrayNode();
        lines.forEach(array::add);
        cli.printJson(Json.object().put("file", file.toString()).set("lines", array));
      } else {
        lines.forEach(cli.out()::println);
        if (lines.isEmpty()) {
          cli.out().println(grep == null ? "(the log is empty)" : "(no line contains \"" + grep + "\")");
        }
      }
      if (follow) {
        LogFile.follow(file, grep, 250, keepFollowing, line -> {
          cli.out().println(line);
          cli.out().flush();
        });
      }
      return Cli.OK;
    } catch (IOException e) {
      cli.out().println("cannot read " + file + ": " + e.getMessage());
      return Cli.FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Cli.OK;
    }
  }
}
