package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.process.ProcessTags;
import dev.ccs.httpd.load.RawHttp;
import dev.ccs.testkit.ShellClaude;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 5 000 tasks queued at once on the server with the README's JVM flags: every one completes, each
 * session runs one CLI at a time, the server's memory stays within the peak target while the
 * queue is long, and no CLI process is left.
 */
@Tag("reliability")
@Timeout(600)
class QueueVolumeTest {

  private static final int TASKS = 5_000;
  private static final long PEAK_RSS_KIB = 128 * 1024;

  @TempDir
  Path temp;

  @Test
  void fiveThousandQueuedTasksAllCompleteInBoundedMemory() throws Exception {
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .taskQueue(new TaskQueueConfig(4, Duration.ofMinutes(5), 0, Duration.ofMillis(200), true))
        .build();
    try (ServerProcess server = ServerProcess.start(config, temp.resolve("config.json"), temp.resolve("server.log"),
        Map.of("PATH", System.getenv("PATH"), "HOME", temp.toString()), Jvms.current(), Jvms.readmeFlags())) {
      List<String> ids = new ArrayList<>();
      long started = System.nanoTime();
      try (RawHttp http = new RawHttp(server.port(), 60_000)) {
        for (int i = 0; i < TASKS; i++) {
          RawHttp.Response reply = http.postJson("/api/async/messages",
              "{\"prompt\":\"task " + i + "\",\"priority\":" + (1 + i % 10) + "}");
          assertThat(reply.status()).as(reply.text()).isEqualTo(202);
          ids.add(dev.ccs.core.json.Json.parse(reply.text()).path("task_id").asText());
        }
      }
      long queuedRss = server.status("VmRSS");
      Conditions.await(() -> completed(server) >= TASKS, Duration.ofSeconds(400),
          () -> server.getJson("/api/tasks/queue/status").toString());
      double seconds = (System.nanoTime() - started) / 1e9;
      long peak = server.status("VmHWM");
      System.out.printf("QueueVolumeTest: %d tasks queued and completed in %.1f s (%.0f/s); RSS %d MiB with all queued, "
          + "peak %d MiB%n", TASKS, seconds, TASKS / seconds, queuedRss / 1024, peak / 1024);

      assertThat(server.getJson("/api/tasks/queue/status").path("queue").path("failed").asInt()).isZero();
      for (String id : List.of(ids.get(0), ids.get(TASKS / 2), ids.get(TASKS - 1))) {
        assertThat(server.getJson("/api/tasks/" + id).path("task").path("status").asText()).isEqualTo("completed");
      }
      assertThat(peak).as("peak RSS (KiB) with the README's flags").isLessThan(PEAK_RSS_KIB);
      assertThat(server.stop()).isIn(0, 143);
    }
    assertThat(fake.overlaps()).isEmpty();
    // Each task ran once, in its own session (the fake logs the version probe at start under its
    // placeholder session).
    Map<String, List<ShellClaude.Run>> bySession = fake.runs().stream()
        .filter(r -> !r.sessionId().equals("00000000-0000-4000-8000-000000000000"))
        .collect(java.util.stream.Collectors.groupingBy(ShellClaude.Run::sessionId));
    assertThat(bySession.values().stream().filter(runs -> runs.size() > 1).toList()).as("sessions run twice").isEmpty();
    assertThat(bySession.size()).isEqualTo(TASKS);
    assertThat(ProcessTags.ofOwner(Ccs.ownerTag(config))).isEmpty();
  }

  private static int completed(ServerProcess server) {
    return server.getJson("/api/tasks/queue/status").path("queue").path("completed").asInt();
  }
}
