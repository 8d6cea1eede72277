package dev.ccs.cli.command;

import dev.ccs.core.NodeDataImport;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigException;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.core.config.LoadedConfig;
import dev.ccs.core.error.StoreException;
import dev.ccs.core.io.AtomicFiles;
import dev.ccs.core.json.Json;
import dev.ccs.core.migrate.ImportReport;
import dev.ccs.core.migrate.NodeHome;
import dev.ccs.core.migrate.NodeImport;
import dev.ccs.core.workspace.ProjectRoots;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code ccs import [NODE_HOME] [--requeue] [--json] [--bind-loopback | --enable-auth]}: brings a
 * Node server's sessions, histories, tasks, statistics and provider settings into this server's
 * data directory (the core does the work: {@link NodeDataImport}), with a progress line, a summary
 * table and every unreadable record. The server must be stopped. When the config would make the
 * server refuse to start (a non-loopback host without authentication, the Node server's default),
 * it offers to apply one of the two fixes.
 */
public final class ImportCommand {

  public static final String USAGE = "usage: ccs import [NODE_HOME] [--requeue] [--json] [--bind-loopback | --enable-auth]";

  /** How many problems are printed; all of them are in the report file. */
  private static final int PRINTED_PROBLEMS = 20;

  private final LoadedConfig config;
  private final Map<String, String> env;
  private final BufferedReader in;
  private final PrintStream out;

  public ImportCommand(LoadedConfig config, Map<String, String> env, BufferedReader in, PrintStream out) {
    this.config = config;
    this.env = env;
    this.in = in;
    this.out = out;
  }

  public int run(List<String> args, boolean serverRunning) throws IOException {
    Path source = null;
    boolean requeue = false;
    boolean json = false;
    String fix = null;
    for (String arg : args) {
      switch (arg) {
        case "-h", "--help" -> {
          out.println(USAGE);
          out.println("  NODE_HOME        the Node server's home (default ~/.claude-code-server) or its data directory");
          out.println("  --requeue        queue again the tasks that were waiting or running there");
          out.println("  --json           print the report as JSON (no progress, no questions)");
          out.println("  --bind-loopback  if the config would be refused at start (0.0.0.0 without auth): bind 127.0.0.1");
          out.println("  --enable-auth    ... or require an API key (the Node clients keep theirs)");
          return 0;
        }
        case "--requeue" -> requeue = true;
        case "--json" -> json = true;
        case "--bind-loopback", "--enable-auth" -> {
          if (fix != null && !fix.equals(arg)) {
            out.println("--bind-loopback and --enable-auth are two ways to the same end: choose one");
            return 2;
          }
          fix = arg;
        }
        default -> {
          if (arg.startsWith("-") || source != null) {
            out.println("unknown argument: " + arg + " (" + USAGE + ")");
            return 2;
          }
          source = Path.of(arg);
        }
      }
    }
    NodeHome home = NodeHome.at(source != null ? source : NodeHome.defaultHome());
    if (home.found().isEmpty()) {
      out.println("no Node server data in " + home.home() + " (looked for " + home.sessionsFile() + ", "
          + home.tasksFile() + " and " + home.messagesDir() + ")");
      return 1;
    }
    if (serverRunning) {
      out.println("ccs is running: stop it first (ccs stop); the import writes its data directory "
          + config.config().dataDir());
      return 1;
    }
    CcsConfig ours = config.config();
    if (!json) {
      out.println("importing the Node server's data from " + home.dataDir() + " (" + String.join(", ", home.found())
          + ") into " + ours.dataDir() + "; the Node files are only read");
    }
    ImportReport report;
    ProgressLine progress = new ProgressLine(json ? null : out, System.console() != null);
    ProjectRoots roots = new ProjectRoots(ours.projectRoots());
    try {
      report = NodeDataImport.run(ours, home, new NodeImport.Options(requeue,
          home.workspacePath() != null ? home.workspacePath() : ours.workspacePath().toString(),
          ours.sessionRetentionDays() > 0 ? Duration.ofDays(ours.sessionRetentionDays()) : null,
          project -> roots.contains(Path.of(project))), progress);
    } catch (StoreException e) {
      out.println("cannot open " + ours.dataDir() + ": " + e.getMessage());
      return 1;
    }
    progress.finish();
    Path reportFile = saveReport(report, home);
    if (json) {
      out.println(Json.writePretty(report.toJson().put("report_file", reportFile.toString())));
    } else {
      print(report, reportFile);
    }
    return offerExposureFix(fix, json);
  }

  private void print(ImportReport report, Path reportFile) {
    out.println();
    out.print(report.table());
    List<ImportReport.Problem> problems = report.problems();
    if (!problems.isEmpty()) {
      out.println();
      out.println("records not taken as they were (" + problems.size() + "):");
      for (ImportReport.Problem p : problems.subList(0, Math.min(PRINTED_PROBLEMS, problems.size()))) {
        out.println("  " + p.file() + " [" + p.record() + "]: " + p.reason() + (p.kept() ? " (imported)" : ""));
      }
      if (problems.size() > PRINTED_PROBLEMS) {
        out.println("  ... and " + (problems.size() - PRINTED_PROBLEMS) + " more in the report");
      }
    }
    for (String note : report.notes()) {
      out.println("note: " + note);
    }
    out.println("report: " + reportFile);
  }

  /** The whole report as JSON in {@code dataDir/import-reports/} (owner-only, like the data). */
  private Path saveReport(ImportReport report, NodeHome home) throws IOException {
    Path dir = config.config().dataDir().resolve("import-reports");
    AtomicFiles.createPrivateDirectories(dir);
    Path file = dir.resolve("node-" + Instant.now().toString().replace(':', '-') + ".json");
    AtomicFiles.write(file, Json.writePretty(report.toJson().put("source", home.dataDir().toString()))
        .getBytes(StandardCharsets.UTF_8), true);
    return file;
  }

  /**
   * A config the server refuses to start with (the Node server's stock {@code host: 0.0.0.0} with
   * authentication off): applies the fix chosen by flag, or asks which; 0 unless the edit failed.
   */
  private int offerExposureFix(String fix, boolean json) {
    CcsConfig c = config.config();
    if (c.security().auth().enabled() || c.security().allowUnauthenticatedRemote() || loopback(c.host())) {
      return 0;
    }
    PrintStream say = json ? System.err : out;
    say.println();
    say.println("This config listens on " + c.host() + " without authentication: the server refuses to start that "
        + "way (anyone who can reach it could run commands here).");
    if (fix == null && !json) {
      say.println("  1) listen on 127.0.0.1 only (--bind-loopback)");
      say.println("  2) require an API key; clients of the Node server keep theirs (--enable-auth; "
          + "ccs keys show-legacy prints it)");
      say.println("  3) leave the config as it is");
      say.print("choose 1, 2 or 3 [3]: ");
      say.flush();
      String answer;
      try {
        answer = in.readLine();
      } catch (IOException e) {
        answer = null;
      }
      answer = answer == null ? "3" : answer.trim();
      fix = answer.equals("1") ? "--bind-loopback" : answer.equals("2") ? "--enable-auth" : null;
    }
    if (fix == null) {
      say.println("left as it is: set security.auth.enabled to true, or host to 127.0.0.1, in " + config.file());
      return 0;
    }
    try {
      if (fix.equals("--bind-loopback")) {
        ConfigLoader.edit(config.file(), root -> root.put("host", "127.0.0.1"), env);
        say.println("host is now 127.0.0.1 in " + config.file());
      } else {
        ConfigLoader.edit(config.file(), root -> {
          com.fasterxml.jackson.databind.node.ObjectNode auth = root.withObjectProperty("security").withObjectProperty("auth");
          auth.put("enabled", true);
          if (!auth.path("secretKey").isTextual() || auth.get("secretKey").asText().isBlank()) {
            auth.put("secretKey", ConfigLoader.newSecretKey());
          }
        }, env);
        say.println("security.auth.enabled is now true in " + config.file() + "; the Node clients' key: "
            + "ccs keys show-legacy");
      }
      if (env.containsKey("HOST") || env.containsKey("CCS_HOST") || env.containsKey("CCS_AUTH_ENABLED")) {
        say.println("(HOST, CCS_HOST or CCS_AUTH_ENABLED is set in this environment and wins over the file)");
      }
      return 0;
    } catch (ConfigException e) {
      say.println("the config was not changed: " + e.getMessage());
      return 1;
    }
  }

  private static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  /** Progress as one line rewritten in a terminal, or a line per tenth in a pipe or a log. */
  static final class ProgressLine implements NodeImport.Progress {
    private final PrintStream out;
    private final boolean terminal;
    private ImportReport.Kind kind;
    private int lastTenth = -1;
    private boolean open;

    ProgressLine(PrintStream out, boolean terminal) {
      this.out = out;
      this.terminal = terminal;
    }

    @Override
    public void step(ImportReport.Kind step, int done, int total) {
      if (out == null) {
        return;
      }
      if (step != kind) {
        finish();
        kind = step;
        lastTenth = -1;
      }
      int tenth = total > 0 ? done * 10 / total : 0;
      String line = step.label() + " " + done + (total > 0 ? "/" + total : "");
      if (terminal) {
        out.print("\r" + line + "   ");
        open = true;
      } else if (tenth != lastTenth || done == total) {
        out.println(line);
      }
      out.flush();
      lastTenth = tenth;
    }

    void finish() {
      if (out != null && open) {
        out.println();
        open = false;
      }
    }
  }
}
