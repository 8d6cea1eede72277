package dev.ccs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.core.json.Json;
import dev.ccs.core.store.FileStorage;
import dev.ccs.testkit.NodeDataDir;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ccs import} as an operator runs it: a child JVM, its output, its exit code, the store it leaves. */
@Timeout(300)
class ImportCommandTest {

  @TempDir
  Path temp;

  private Path configFile(String host) throws Exception {
    CcsConfig config = CcsConfig.defaults(temp.resolve("ccs")).toBuilder().host(host).build();
    Path file = temp.resolve("ccs").resolve("config.json");
    ConfigLoader.write(file, config);
    return file;
  }

  private record Result(int code, String output) {
  }

  private Result run(Path config, String input, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--config", config.toString()));
    all.addAll(List.of(args));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = Main.run(all.toArray(String[]::new), Map.of(), new BufferedReader(new StringReader(input)),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return new Result(code, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aKillDashNineHalfwayIsFinishedByTheNextRunWithNothingTwice() throws Exception {
    Path config = configFile("127.0.0.1");
    Path nodeHome = temp.resolve("node");
    NodeDataDir.Expected expected = NodeDataDir.write(nodeHome, new NodeDataDir.Spec(1000, 10, 500, true));

    // The import as its own process, killed with SIGKILL once it has stored about half the sessions.
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--config", config.toString(), "import", nodeHome.toString()).redirectErrorStream(true).start();
    Pattern sessions = Pattern.compile("sessions (\\d+)/(\\d+)");
    int reached = 0;
    List<String> seen = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        seen.add(line);
        Matcher m = sessions.matcher(line);
        if (m.find() && Integer.parseInt(m.group(1)) >= 400) {
          reached = Integer.parseInt(m.group(1));
          child.destroyForcibly();
          break;
        }
      }
    }
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(reached).as("progress lines: %s", seen).isBetween(400, 999);
    assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);

    Result again = run(config, "", "import", nodeHome.toString(), "--json");
    assertThat(again.code()).as(again.output()).isZero();
    JsonNode report = Json.parse(again.output());
    JsonNode counts = report.path("counts");
    int imported = counts.at("/sessions/imported").asInt();
    int skipped = counts.at("/sessions/skipped").asInt();
    assertThat(imported + skipped).isEqualTo(expected.sessionsImported());
    assertThat(skipped).as("what the killed run stored").isGreaterThanOrEqualTo(reached - 10);
    assertThat(counts.at("/sessions/unreadable").asInt()).isEqualTo(expected.sessionsUnreadable());
    assertThat(report.path("report_file").asText()).endsWith(".json");
    assertThat(Path.of(report.path("report_file").asText())).exists();

    // Every history exactly once: the store holds what the Node files hold, no message twice.
    try (FileStorage storage = FileStorage.open(temp.resolve("ccs").resolve("data"))) {
      assertThat(storage.sessions().size()).isEqualTo(expected.sessionsImported());
      long messages = 0;
      for (UUID id : expected.sessionIds()) {
        List<dev.ccs.core.session.StoredMessage> history = storage.messages().history(id);
        assertThat(history.stream().map(dev.ccs.core.session.StoredMessage::id).distinct().count())
            .isEqualTo(history.size());
        messages += history.size();
      }
      assertThat(messages).isEqualTo(expected.messagesImported());
      assertThat(storage.tasks().all()).hasSize(expected.tasksFinished());
    }

    Result third = run(config, "", "import", nodeHome.toString());
    assertThat(third.code()).isZero();
    assertThat(third.output()).containsPattern("sessions\\s+0\\s+" + expected.sessionsImported() + "\\s+"
        + expected.sessionsUnreadable());
    assertThat(third.output()).contains("records not taken as they were").contains("sessions/sessions.json")
        .contains("note: " + expected.tasksWaiting() + " task(s) were waiting");
  }

  @Test
  void theNodeServersStockConfigIsOfferedAFixAndTheChosenOneIsApplied() throws Exception {
    Path config = configFile("0.0.0.0");
    Path nodeHome = temp.resolve("node");
    NodeDataDir.write(nodeHome, new NodeDataDir.Spec(2, 1, 1, false));
    String before = Files.readString(config);

    Result left = run(config, "", "import", nodeHome.toString());
    assertThat(left.code()).as(left.output()).isZero();
    assertThat(left.output()).contains("listens on 0.0.0.0 without authentication").contains("1) listen on 127.0.0.1")
        .contains("left as it is");
    assertThat(Files.readString(config)).isEqualTo(before);

    Result chosen = run(config, "2\n", "import", nodeHome.toString());
    assertThat(chosen.output()).contains("security.auth.enabled is now true");
    JsonNode written = Json.parse(Files.readString(config));
    assertThat(written.at("/security/auth/enabled").asBoolean()).isTrue();
    assertThat(written.at("/security/auth/secretKey").asText()).startsWith("ccs_sk_");
    assertThat(written.path("host").asText()).as("the other keys are kept").isEqualTo("0.0.0.0");
    assertThat(ConfigLoader.load(config, Map.of()).config().security().auth().enabled()).isTrue();
    assertThat(run(config, "", "keys", "show-legacy").output()).startsWith("ccs_ak_");

    Path other = temp.resolve("other.json");
    ConfigLoader.write(other, CcsConfig.defaults(temp.resolve("ccs2")).toBuilder().host("0.0.0.0").build());
    Result flag = run(other, "", "import", nodeHome.toString(), "--bind-loopback");
    assertThat(flag.output()).contains("host is now 127.0.0.1");
    assertThat(ConfigLoader.load(other, Map.of()).config().host()).isEqualTo("127.0.0.1");
  }

  @Test
  void withoutNodeDataOrWithTheServerRunningItSaysWhyAndChangesNothing() throws Exception {
    Path config = configFile("127.0.0.1");
    Result none = run(config, "", "import", temp.resolve("nothing").toString());
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.output()).contains("no Node server data in");
    Result usage = run(config, "", "import", "--bind-loopback", "--enable-auth");
    assertThat(usage.code()).isEqualTo(2);
    assertThat(run(config, "", "import", "--nope").code()).isEqualTo(2);
    Result help = run(config, "", "import", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.output()).startsWith("usage: ccs import").contains("--requeue");

    Path nodeHome = temp.resolve("node");
    NodeDataDir.write(nodeHome, new NodeDataDir.Spec(2, 1, 1, false));
    // Another owner of the data directory (a running server holds its lock).
    try (FileStorage owner = FileStorage.open(temp.resolve("ccs").resolve("data"))) {
      Result busy = run(config, "", "import", nodeHome.toString());
      assertThat(busy.code()).isEqualTo(1);
      assertThat(busy.output()).contains("cannot open");
      assertThat(owner.sessions().size()).isZero();
    }
  }
}
