package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ExecutionConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.process.ProcessTags;
import dev.ccs.core.process.Processes;
import dev.ccs.testkit.ShellClaude;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of the queue's durability: the server runs as a child JVM and is killed with
 * SIGKILL while tasks run and while more are being submitted. The seed lost about one task in ten
 * this way, left some "processing" for ever, and ran interrupted prompts a second time beside
 * their still-running first run (defects #15 and #16).
 */
@Timeout(300)
class CrashRecoveryTest {

  private static final int TASKS = 200;

  @TempDir
  Path temp;

  private final HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(null))
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aKilledServerLosesNoAcknowledgedTaskAndNeverRunsOneTwiceAtOnce() throws Exception {
    // 100 ms per run; a prompt starting with "slow" takes a minute on its first run, so it is still
    // running, orphaned, when the next server starts.
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 100, 60_000);
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .taskQueue(new TaskQueueConfig(3, Duration.ofMinutes(5), 0, Duration.ofMillis(200), true))
        .execution(ExecutionConfig.of(Duration.ofMinutes(5), Duration.ofSeconds(5)))
        .build();
    Path configFile = temp.resolve("config.json");
    Map<String, String> acked = new ConcurrentHashMap<>(); // task id -> session id

    Set<String> completedBeforeKill;
    try (ServerProcess first = ServerProcess.start(config, configFile, temp.resolve("first.log"))) {
      submit(first, "slow one", 10, acked);
      submit(first, "slow two", 10, acked);
      Thread submitter = new Thread(() -> {
        for (int i = 0; i < TASKS - 2; i++) {
          try {
            submit(first, "task " + i, 5, acked);
            Thread.sleep(5);
          } catch (IOException e) {
            return; // the server is gone: this one was not acknowledged
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      submitter.start();
      Conditions.await(() -> acked.size() >= 120 && count(first, "completed") >= 10, Duration.ofSeconds(120));
      completedBeforeKill = completedSessions(first);

      first.kill();
      submitter.join(30_000);
    }
    assertThat(acked.size()).as("tasks acknowledged before the kill").isBetween(120, TASKS - 1);
    // At least the two slow runs are still going, now without a server.
    List<Long> orphans = fake.runs().stream().filter(r -> r.endLine() < 0).map(ShellClaude.Run::pid)
        .filter(Processes::isRunning).toList();
    assertThat(orphans).as("runs the killed server left behind").hasSizeGreaterThanOrEqualTo(2);

    try (ServerProcess second = ServerProcess.start(config, configFile, temp.resolve("second.log"))) {
      // The previous server's processes are ended before anything runs again.
      assertThat(orphans).as(() -> "orphans still running: " + describe(orphans) + "\nsecond server's log:\n"
          + second.log()).noneMatch(Processes::isRunning);
      while (acked.size() < TASKS) {
        submit(second, "after restart " + acked.size(), 5, acked);
      }
      Conditions.await(() -> count(second, "pending") + count(second, "processing") == 0, Duration.ofSeconds(120));

      for (Map.Entry<String, String> task : acked.entrySet()) {
        JsonNode stored = second.getJson("/api/tasks/" + task.getKey()).path("task");
        assertThat(stored.path("status").asText()).as("task %s", stored).isEqualTo("completed");
        assertThat(stored.path("result").asText()).isEqualTo("ok");
      }
      assertThat(second.getJson("/api/tasks?limit=1000").path("count").asInt()).isGreaterThanOrEqualTo(TASKS);
      assertThat(second.stop()).as("exit code after SIGTERM").isIn(0, 143);
    }

    assertThat(fake.overlaps()).as("runs refused because their session was running").isEmpty();
    Map<String, List<ShellClaude.Run>> bySession = fake.runs().stream()
        .collect(Collectors.groupingBy(ShellClaude.Run::sessionId));
    for (String session : acked.values()) {
      List<ShellClaude.Run> runs = new ArrayList<>(bySession.getOrDefault(session, List.of()));
      runs.sort(Comparator.comparingInt(ShellClaude.Run::startLine));
      assertThat(runs).as("runs of session %s", session).isNotEmpty().hasSizeLessThanOrEqualTo(2);
      for (int i = 1; i < runs.size(); i++) {
        assertThat(runs.get(i - 1).endLine()).as("runs %s", runs).isNotNegative().isLessThan(runs.get(i).startLine());
      }
      if (completedBeforeKill.contains(session)) {
        assertThat(runs).as("a task completed before the crash runs again").hasSize(1);
      }
    }
    assertThat(ProcessTags.ofOwner(Ccs.ownerTag(config))).as("processes left behind").isEmpty();
  }

  private void submit(ServerProcess server, String prompt, int priority, Map<String, String> acked)
      throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/api/async/messages"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"" + prompt + "\",\"priority\":" + priority + "}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonNode body = Json.parse(response.body());
    acked.put(body.path("task_id").asText(), body.path("session_id").asText());
  }

  /** For a failure's message: each process still running, with its command line, state and parent. */
  private static String describe(List<Long> pids) {
    StringBuilder text = new StringBuilder();
    for (long pid : pids) {
      ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(h -> {
        String stat;
        try {
          stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat")).strip();
        } catch (IOException e) {
          stat = "(no stat: " + e.getMessage() + ")";
        }
        text.append("\n  ").append(pid).append(' ').append(h.info().commandLine().orElse("?")).append(" | ").append(stat);
      });
    }
    return text.toString();
  }

  private int count(ServerProcess server, String status) {
    return server.getJson("/api/tasks/queue/status").path("queue").path(status).asInt();
  }

  private Set<String> completedSessions(ServerProcess server) {
    Set<String> sessions = new HashSet<>();
    for (JsonNode task : server.getJson("/api/tasks?status=completed&limit=1000").path("tasks")) {
      sessions.add(task.path("session_id").asText());
    }
    return sessions;
  }
}
