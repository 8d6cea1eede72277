import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.NodeDataDir;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How long {@code ccs import} takes, as an operator runs it (java -jar ccs-cli.jar import, JVM start
 * included): a generated Node home of 1 000 sessions, 20 000 messages and 500 tasks (some torn or
 * inconsistent, as the Node server leaves them), imported into an empty data directory, then again
 * (nothing to import). Target: under 30 s. Arguments: [sessions] [exchanges per session] [tasks].
 */
public class ImportBench {

  public static void main(String[] args) throws Exception {
    int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int exchanges = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int tasks = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    Path dir = Files.createTempDirectory("ccs-import-bench");
    Path nodeHome = dir.resolve("node");
    NodeDataDir.Expected expected = NodeDataDir.write(nodeHome, new NodeDataDir.Spec(sessions, exchanges, tasks, true));
    Path config = dir.resolve("ccs").resolve("config.json");
    ConfigLoader.write(config, CcsConfig.defaults(dir.resolve("ccs")));
    System.out.printf(Locale.ROOT, "Node home: %d sessions, %d messages, %d tasks (with torn and inconsistent records)%n",
        expected.sessionsImported(), expected.messagesImported(), expected.tasksFinished() + expected.tasksWaiting());
    for (String run : new String[] {"first import", "second import (nothing new)"}) {
      long start = System.nanoTime();
      Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-jar", "ccs-cli/target/ccs-cli.jar", "--config", config.toString(), "import", nodeHome.toString(), "--json")
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = process.waitFor();
      double seconds = (System.nanoTime() - start) / 1e9;
      var counts = Json.parse(output).path("counts");
      System.out.printf(Locale.ROOT, "FIGURE|import.%s|ccs import of 1 000 sessions, 20 000 messages, 500 tasks: %s|%.2f|s|< 30%n",
          run.startsWith("first") ? "first" : "again", run, seconds);
      System.out.printf(Locale.ROOT, "%-28s %6.2f s (target < 30 s: %s), exit %d; sessions %d imported %d skipped, "
          + "messages %d, tasks %d%n", run, seconds, seconds < 30 ? "met" : "NOT met", exit,
          counts.at("/sessions/imported").asInt(), counts.at("/sessions/skipped").asInt(),
          counts.at("/messages/imported").asInt(), counts.at("/tasks/imported").asInt());
    }
  }
}
