package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.StoreConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.process.Processes;
import dev.ccs.httpd.load.RawHttp;
import dev.ccs.store.postgres.PgServer;
import dev.ccs.testkit.ShellClaude;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server JVMs on one PostgreSQL, the fake CLI and a shared workspace: 2 000 tasks submitted
 * round-robin all complete exactly once (each session's runs never overlap; a task runs a second
 * time only when the node running it died), with one node killed with SIGKILL mid-run, whose tasks
 * finish on the other two after its leases expire. Then, with that node alone running, it is
 * killed while a long run is in flight: restarted, it ends the run its previous life left (the
 * owner-tag sweep) before the task runs again.
 */
@Tag("reliability")
@Timeout(900)
class ClusterTest {

  private static final int TASKS = 2_000;
  private static final Duration LEASE = Duration.ofSeconds(3);

  @TempDir
  Path temp;

  private ShellClaude fake;
  private String url;
  private final ServerProcess[] nodes = new ServerProcess[3];

  private CcsConfig config(int node) {
    return TestServer.config(temp.resolve("node-" + node), fake.executable()).toBuilder()
        .workspacePath(temp.resolve("workspace"))
        .taskQueue(new TaskQueueConfig(3, Duration.ofMinutes(5), 0, Duration.ofMillis(200), true))
        .store(new StoreConfig("postgres", url, null, null, 6, "node-" + node, LEASE, null, null))
        .build();
  }

  private ServerProcess start(int node) {
    return ServerProcess.start(config(node), temp.resolve("config-" + node + ".json"),
        temp.resolve("server-" + node + ".log"), Map.of("PATH", System.getenv("PATH"), "HOME", temp.toString()),
        Jvms.current(), Jvms.readmeFlags());
  }

  @Test
  void twoThousandTasksOnThreeNodesCompleteOnceThroughAKill() throws Exception {
    url = PgServer.newDatabase();
    // 20 ms a run; a prompt "slow ..." runs 20 s the first time in its session, 20 ms after.
    fake = ShellClaude.create(temp.resolve("fake"), 20, 20_000);
    try {
      for (int i = 0; i < 3; i++) {
        nodes[i] = start(i);
      }
      assertThat(nodes[1].getJson("/health").path("node").path("id").asText()).isEqualTo("node-1");
      assertThat(nodes[1].getJson("/health").path("node").path("database").asText()).isEqualTo("reachable");

      List<String> ids = new ArrayList<>();
      Set<Integer> down = ConcurrentHashMap.newKeySet();
      long started = System.nanoTime();
      long killedAt = 0;
      for (int i = 0; i < TASKS; i++) {
        if (i >= 700 && killedAt == 0 && runsATask(nodes[1])) {
          // Mid-run: node 1 is killed while it runs a task (runs are 20 ms, 1.5 s for some).
          nodes[1].kill();
          down.add(1);
          killedAt = System.nanoTime();
          System.out.printf("ClusterTest: node 1 killed after %d submissions%n", i);
        }
        assertThat(i < 1100 || killedAt != 0).as("node 1 ran a task while the first 1 100 were submitted").isTrue();
        if (i == 1400) {
          // Back after its leases expired: the others took its tasks over meanwhile.
          long back = killedAt + 2 * LEASE.toNanos();
          while (System.nanoTime() < back) {
            Thread.sleep(50);
          }
          nodes[1] = start(1);
          down.remove(1);
        }
        int node = i % 3;
        if (down.contains(node)) {
          node = (node + 1) % 3;
        }
        String prompt = i % 50 == 0 ? "wait:1500" : "task " + i;
        try (RawHttp http = new RawHttp(nodes[node].port(), 30_000)) {
          RawHttp.Response reply = http.postJson("/api/async/messages", "{\"prompt\":\"" + prompt + "\",\"priority\":"
              + (1 + i % 10) + "}");
          assertThat(reply.status()).as(reply.text()).isEqualTo(202);
          ids.add(Json.parse(reply.text()).path("task_id").asText());
        }
      }
      Conditions.await(() -> completed(nodes[0]) >= TASKS, Duration.ofSeconds(600),
          () -> nodes[0].getJson("/api/tasks/queue/status").toString());
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("ClusterTest: %d tasks on 3 nodes (one killed %.1f s in, back later) in %.1f s (%.0f/s)%n",
          TASKS, (killedAt - started) / 1e9, seconds, TASKS / seconds);

      JsonNode queue = nodes[2].getJson("/api/tasks/queue/status").path("queue");
      assertThat(queue.path("completed").asInt()).isEqualTo(TASKS);
      assertThat(queue.path("failed").asInt()).isZero();
      Set<String> rerun = new java.util.HashSet<>();
      for (String id : ids) {
        JsonNode task = nodes[id.hashCode() & 1].getJson("/api/tasks/" + id).path("task");
        assertThat(task.path("status").asText()).as("task %s", id).isEqualTo("completed");
        if (task.path("attempts").asInt() > 1) {
          rerun.add(task.path("session_id").asText());
        }
      }
      assertThat(rerun).as("tasks node 1 had started when it was killed, run again by the others").isNotEmpty();
      assertThat(fake.overlaps()).as("no session ran twice at once").isEmpty();
      Map<String, List<ShellClaude.Run>> bySession = fake.runs().stream()
          .filter(r -> !r.sessionId().equals("00000000-0000-4000-8000-000000000000"))
          .collect(Collectors.groupingBy(ShellClaude.Run::sessionId));
      assertThat(bySession).hasSize(TASKS);
      // A session ran twice only for a task started again; such a task may have run once (killed before its CLI began).
      assertThat(bySession.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList())
          .allMatch(rerun::contains);
      assertThat(bySession.values().stream().filter(runs -> runs.size() > 2).toList()).isEmpty();

      orphanOfAKilledNodeIsEndedWhenItComesBack();
    } finally {
      for (ServerProcess node : nodes) {
        if (node != null) {
          node.close();
        }
      }
    }
  }

  /** Node 1 alone; killed during a 20 s run; restarted, it ends that run before running the task again. */
  private void orphanOfAKilledNodeIsEndedWhenItComesBack() throws Exception {
    assertThat(nodes[0].stop()).isZero();
    assertThat(nodes[2].stop()).isZero();
    String id;
    try (RawHttp http = new RawHttp(nodes[1].port(), 30_000)) {
      RawHttp.Response reply = http.postJson("/api/async/messages", "{\"prompt\":\"slow orphan\"}");
      assertThat(reply.status()).as(reply.text()).isEqualTo(202);
      id = Json.parse(reply.text()).path("task_id").asText();
    }
    Conditions.await(() -> ProcessHandle.of(nodes[1].pid()).orElseThrow().children().anyMatch(Processes::isRunning),
        Duration.ofSeconds(30));
    List<ProcessHandle> orphans = ProcessHandle.of(nodes[1].pid()).orElseThrow().children().toList();
    nodes[1].kill();
    // A process ended but not reaped (an init that does not reap, in some containers) counts as gone.
    assertThat(orphans).anyMatch(Processes::isRunning);
    nodes[1] = start(1);
    assertThat(orphans).as("the killed node's run, ended at its restart").noneMatch(Processes::isRunning);
    Conditions.await(() -> "completed".equals(nodes[1].getJson("/api/tasks/" + id).path("task").path("status")
        .asText()), Duration.ofSeconds(60));
    assertThat(nodes[1].getJson("/api/tasks/" + id).path("task").path("attempts").asInt()).isEqualTo(2);
    assertThat(fake.overlaps()).isEmpty();
  }

  /** Whether the node has a CLI process of a task running (not the version probe it also starts). */
  private static boolean runsATask(ServerProcess node) {
    return ProcessHandle.of(node.pid()).orElseThrow().children().filter(Processes::isRunning)
        .anyMatch(child -> !child.info().arguments().map(List::of).orElse(List.of()).contains("--version"));
  }

  private static int completed(ServerProcess server) {
    return server.getJson("/api/tasks/queue/status").path("queue").path("completed").asInt();
  }
}
