package dev.ccs.core.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.balance.ProviderSettings;
import dev.ccs.core.config.StatisticsConfig;
import dev.ccs.core.migrate.ImportReport.Kind;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionFilter;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.stats.Statistics;
import dev.ccs.core.store.FileStorage;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskStatus;
import dev.ccs.testkit.NodeDataDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeImportTest {

  @TempDir
  Path temp;

  private final Clock clock = Clock.systemUTC();

  private ImportReport importInto(Path dataDir, NodeHome home, boolean requeue) throws IOException {
    try (FileStorage storage = FileStorage.open(dataDir, clock)) {
      return new NodeImport(storage, storage.tasks(), storage.statistics(),
          new ProviderSettings(dataDir.resolve("provider-settings"), false), clock)
          .run(home, new NodeImport.Options(requeue, home.workspacePath(), null), NodeImport.Progress.NONE);
    }
  }

  @Test
  void aDamagedNodeHomeImportsWithAnExactSummaryAndASecondRunImportsNothingTwice() throws Exception {
    Path nodeHome = temp.resolve("node");
    NodeDataDir.Expected expected = NodeDataDir.write(nodeHome, new NodeDataDir.Spec(1000, 10, 500, true));
    NodeHome home = NodeHome.at(nodeHome);
    Map<String, String> before = digests(nodeHome);
    Path dataDir = temp.resolve("ccs-data");

    long start = System.nanoTime();
    ImportReport first = importInto(dataDir, home, false);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("imported %d sessions, %d messages, %d tasks in %d ms%n", first.imported(Kind.SESSIONS),
        first.imported(Kind.MESSAGES), first.imported(Kind.TASKS), millis);
    System.out.print(first.table());

    assertThat(first.imported(Kind.SESSIONS)).isEqualTo(expected.sessionsImported());
    assertThat(first.unreadable(Kind.SESSIONS)).isEqualTo(expected.sessionsUnreadable());
    assertThat(first.imported(Kind.MESSAGES)).isEqualTo(expected.messagesImported());
    assertThat(first.unreadable(Kind.MESSAGES)).isEqualTo(expected.messagesUnreadable());
    assertThat(first.imported(Kind.TASKS)).isEqualTo(expected.tasksFinished());
    assertThat(first.skipped(Kind.TASKS)).isEqualTo(expected.tasksWaiting());
    assertThat(first.unreadable(Kind.TASKS)).isEqualTo(expected.tasksUnreadable());
    assertThat(first.imported(Kind.STATISTICS)).isEqualTo(1);
    assertThat(first.imported(Kind.PROVIDER_SETTINGS)).isEqualTo(expected.providerSettings());
    assertThat(first.unreadable(Kind.PROVIDER_SETTINGS)).isEqualTo(expected.providerUnreadable());
    assertThat(first.notes()).anyMatch(n -> n.startsWith(expected.tasksWaiting() + " task(s) were waiting")
        && n.contains("--requeue"));
    // Every problem names its file and says why.
    assertThat(first.problems()).allSatisfy(p -> {
      assertThat(p.file()).isNotBlank();
      assertThat(p.reason()).isNotBlank();
    });
    assertThat(first.problems()).anyMatch(p -> p.file().equals("sessions/sessions.json")
        && p.reason().contains("\"id\" is not a UUID"));
    assertThat(first.problems()).anyMatch(p -> p.reason().contains("a second record with this id"));
    assertThat(first.problems()).anyMatch(p -> p.file().equals("messages/" + expected.sessionIds().get(10) + ".json")
        && p.reason().equals("the file ends after 3 record(s) (cut short); the messages before it are imported"));
    assertThat(first.problems()).filteredOn(ImportReport.Problem::kept).hasSize(2)
        .allMatch(p -> p.reason().contains("rebuilt from its history"));
    assertThat(first.problems()).anyMatch(p -> p.file().equals("tasks/tasks.json") && p.reason().contains("priority"));
    assertThat(digests(nodeHome)).as("the Node home is only read").isEqualTo(before);

    // What is stored, as a client of ours sees it.
    try (FileStorage storage = FileStorage.open(dataDir, clock)) {
      assertThat(storage.sessions().size()).isEqualTo(expected.sessionsImported());
      UUID plain = expected.sessionIds().get(5);
      Session session = storage.sessions().get(plain).orElseThrow();
      assertThat(session.messagesCount()).isEqualTo(10);
      assertThat(session.totalCostUsd()).isEqualByComparingTo("0.123");
      assertThat(session.cliSessionStarted()).as("the next turn resumes the CLI session").isTrue();
      assertThat(session.cliSessionIds()).containsExactly(plain.toString());
      assertThat(session.lastCliTotalUsd()).as("the CLI's running total after its last run").isEqualByComparingTo("0.123");
      assertThat(session.metadata().path("team").asText()).startsWith("node-");
      List<StoredMessage> history = storage.messages().history(plain);
      assertThat(history).hasSize(20);
      assertThat(history.get(0).role()).isEqualTo("user");
      assertThat(history.get(0).id()).startsWith("msg_");
      assertThat(history.get(1).metadata().path("imported_from").asText()).isEqualTo("node");
      assertThat(storage.messages().history(expected.sessionIds().get(10))).as("a torn history keeps its first part")
          .hasSize(3);
      assertThat(storage.messages().history(expected.sessionIds().get(30))).hasSize(20);

      List<Task> tasks = storage.tasks().all();
      assertThat(tasks).hasSize(expected.tasksFinished()).allMatch(t -> t.status().terminal());
      Task task = tasks.stream().filter(t -> t.prompt().equals("task 0")).findFirst().orElseThrow();
      assertThat(task.status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(task.result()).isEqualTo("done 0");
      assertThat(task.webhookUrl()).isEqualTo("https://hooks.example/0");
      assertThat(task.options().systemPrompt()).isEqualTo("be brief");
      assertThat(task.sessionId()).isEqualTo(expected.sessionIds().get(0));
      assertThat(task.metadata().path("client_tag").asText()).isEqualTo("t0");
      assertThat(task.metadata().toString()).as("the provider and its key are not imported").doesNotContain("sk-");
      assertThat(storage.sessions().list(SessionFilter.ALL, 5000)).hasSize(expected.sessionsImported());

      // Node's counts are imported once and the imported histories are not counted again.
      Statistics statistics = new Statistics(new StatisticsConfig(true, Duration.ofMinutes(1), 3650),
          storage.statistics(), clock);
      assertThat(statistics.catchUp(storage)).isZero();
      assertThat(statistics.allTime().total().requests()).isEqualTo(expected.totalRequests());
      assertThat(statistics.allTime().total().failedByCode()).containsEntry("imported", 10L);
      assertThat(statistics.allTime().models().get("claude-sonnet-4-5").requests()).isEqualTo(expected.totalRequests());
    }
    assertThat(Files.readString(dataDir.resolve("provider-settings").resolve("main.json"))).contains("sk-node-main");

    // Again: nothing is imported twice; the waiting tasks now with --requeue.
    ImportReport second = importInto(dataDir, home, true);
    assertThat(second.imported(Kind.SESSIONS)).isZero();
    assertThat(second.imported(Kind.MESSAGES)).isZero();
    assertThat(second.skipped(Kind.SESSIONS)).isEqualTo(expected.sessionsImported());
    assertThat(second.imported(Kind.TASKS)).isEqualTo(expected.tasksWaiting());
    assertThat(second.skipped(Kind.TASKS)).isEqualTo(expected.tasksFinished());
    assertThat(second.imported(Kind.STATISTICS)).isZero();
    assertThat(second.skipped(Kind.STATISTICS)).isEqualTo(1);
    assertThat(second.skipped(Kind.PROVIDER_SETTINGS)).isEqualTo(expected.providerSettings());
    try (FileStorage storage = FileStorage.open(dataDir, clock)) {
      assertThat(storage.sessions().size()).isEqualTo(expected.sessionsImported());
      assertThat(storage.messages().history(expected.sessionIds().get(5))).hasSize(20);
      assertThat(storage.tasks().all()).hasSize(expected.tasksFinished() + expected.tasksWaiting());
      assertThat(storage.tasks().unfinishedIds()).hasSize(expected.tasksWaiting());
      Statistics statistics = new Statistics(new StatisticsConfig(true, Duration.ofMinutes(1), 3650),
          storage.statistics(), clock);
      assertThat(statistics.allTime().total().requests()).isEqualTo(expected.totalRequests());
    }
    ImportReport third = importInto(dataDir, home, true);
    assertThat(third.imported(Kind.TASKS)).isZero();
  }

  @Test
  void ourStoreBesideTheNodeFilesInTheSameDataDirectoryLeavesThemUnchanged() throws Exception {
    Path nodeHome = temp.resolve("node");
    NodeDataDir.Expected expected = NodeDataDir.write(nodeHome, new NodeDataDir.Spec(20, 2, 10, false));
    NodeHome home = NodeHome.at(nodeHome);
    Map<String, String> before = digests(nodeHome);

    ImportReport report = importInto(home.dataDir(), home, true);

    assertThat(report.imported(Kind.SESSIONS)).isEqualTo(expected.sessionsImported());
    assertThat(report.imported(Kind.MESSAGES)).isEqualTo(expected.messagesImported());
    assertThat(report.imported(Kind.TASKS)).isEqualTo(10);
    assertThat(report.problems()).isEmpty();
    Map<String, String> after = digests(nodeHome);
    after.keySet().retainAll(before.keySet());
    assertThat(after).isEqualTo(before);
    try (FileStorage storage = FileStorage.open(home.dataDir(), clock)) {
      assertThat(storage.sessions().size()).isEqualTo(20);
      assertThat(storage.messages().history(expected.sessionIds().get(3))).hasSize(4);
    }
  }

  @Test
  void sessionsOlderThanTheRetentionOrOutsideTheProjectRootsAreNamedInNotes() throws Exception {
    Path nodeHome = temp.resolve("node");
    NodeDataDir.write(nodeHome, new NodeDataDir.Spec(3, 1, 0, false));
    NodeHome home = NodeHome.at(nodeHome);
    try (FileStorage storage = FileStorage.open(temp.resolve("data"), clock)) {
      ImportReport report = new NodeImport(storage, storage.tasks(), storage.statistics(), null, clock)
          .run(home, new NodeImport.Options(false, null, Duration.ofDays(30), p -> p.endsWith("project-1")),
              NodeImport.Progress.NONE);
      assertThat(report.notes()).anyMatch(n -> n.startsWith("3 imported session(s)") && n.contains("sessionRetentionDays"));
      // Sessions 0 and 2 work in project-0 and project-2; the roots allow only project-1.
      assertThat(report.notes()).anyMatch(n -> n.startsWith("2 imported session(s) work in 2 directories outside")
          && n.contains("project-0") && n.contains("project-2") && !n.contains("project-1"));
    }
  }

  @Test
  void aTornListGivesEveryRecordBeforeTheCut() throws Exception {
    Path file = temp.resolve("tasks.json");
    Files.writeString(file, "{\"tasks\": [{\"id\": 1}, {\"id\": 2}, {\"id\": 3, \"pro");
    List<JsonNode> read = new java.util.ArrayList<>();
    NodeJsonList.Outcome outcome = NodeJsonList.read(file, "tasks", read::add);
    assertThat(read).extracting(n -> n.path("id").asInt()).containsExactly(1, 2);
    assertThat(outcome.whole()).isFalse();
    assertThat(outcome.problem()).isEqualTo("the file ends after 2 record(s) (cut short)");

    Files.writeString(file, "{\"tasks\": [{\"id\": 1}, {\"id\": 2,, \"x\": 1}]}");
    read.clear();
    outcome = NodeJsonList.read(file, "tasks", read::add);
    assertThat(read).hasSize(1);
    assertThat(outcome.problem()).startsWith("unreadable after 1 record(s): Unexpected character").doesNotContain("\n");

    Files.writeString(file, "[{\"id\": 1}]");
    read.clear();
    assertThat(NodeJsonList.read(file, "tasks", read::add).whole()).isTrue();
    assertThat(read).hasSize(1);
    Files.writeString(file, "{\"other\": {\"tasks\": [1]}, \"tasks\": [{\"id\": 7}]}");
    read.clear();
    assertThat(NodeJsonList.read(file, "tasks", read::add).whole()).isTrue();
    assertThat(read).extracting(n -> n.path("id").asInt()).containsExactly(7);
  }

  @Test
  void aNodeDataDirectoryGivenInsteadOfTheHomeIsFound() throws Exception {
    Path nodeHome = temp.resolve("node");
    NodeDataDir.write(nodeHome, new NodeDataDir.Spec(1, 1, 0, false));
    NodeHome byHome = NodeHome.at(nodeHome);
    assertThat(byHome.dataDir()).isEqualTo(nodeHome.resolve("data"));
    assertThat(byHome.workspacePath()).isEqualTo(nodeHome.resolve("workspace").toString());
    assertThat(byHome.found()).contains("sessions/sessions.json", "tasks/tasks.json", "statistics/statistics.json");
    assertThat(NodeHome.at(nodeHome.resolve("data")).dataDir()).isEqualTo(nodeHome.resolve("data"));
    assertThat(NodeHome.at(temp.resolve("nothing")).found()).isEmpty();
  }

  private static Map<String, String> digests(Path root) throws Exception {
    Map<String, String> digests = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        digests.put(root.relativize(file).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(file))));
      }
    }
    return digests;
  }
}
