package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.concurrent.Threads;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.process.ProcessTags;
import dev.ccs.httpd.load.LoadMix;
import dev.ccs.httpd.load.RawHttp;
import dev.ccs.testkit.ShellClaude;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardening acceptance test: 64 clients for 30 s using every endpoint (streams abandoned
 * mid-way, slow queued tasks, cancels, batches) against the server as a child JVM with the
 * README's flags, on this JDK and on a JDK 21+. Every answer is 2xx or a JSON 429/503 with
 * {@code Retry-After} (or a refusal a race makes legitimate); there is no reset, no close without an
 * answer, no stall and no {@code OutOfMemoryError}; afterwards every task reaches a final state
 * and threads, file descriptors and CLI processes are back at their idle level.
 */
@Tag("load")
@Timeout(600)
class LoadTest {

  private static final int CLIENTS = 64;
  private static final Duration DURATION = Duration.ofSeconds(30);
  /** The heap after a full collection: what was alive then. */
  private static final Pattern FULL_GC_AFTER = Pattern.compile("Pause Full.*->(\\d+)M\\(");

  @TempDir
  Path temp;

  @Test
  void sixtyFourClientsForThirtySecondsOnThisJvm() throws Exception {
    load(Jvms.current());
  }

  @Test
  void sixtyFourClientsForThirtySecondsOnJava21Plus() throws Exception {
    load(Jvms.newest());
  }

  private void load(Path java) throws Exception {
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable());
    Path gcLog = temp.resolve("gc.log");
    List<String> flags = new ArrayList<>(Jvms.readmeFlags());
    flags.add("-Xlog:gc:file=" + gcLog);
    try (ServerProcess server = ServerProcess.start(config, temp.resolve("config.json"), temp.resolve("server.log"),
        Map.of("PATH", System.getenv("PATH"), "HOME", temp.toString()), java, flags)) {
      // The idle level is measured after a little of everything has run once: what is opened once
      // and kept (a journal's reader, the JDK's selectors) is not what a leak would be.
      LoadMix.Report warmup = new LoadMix(server.port(), 2, Duration.ofSeconds(3), Duration.ofSeconds(90)).run();
      assertThat(warmup.violations()).isEmpty();
      cancelEverythingUnfinished(server);
      awaitNoUnfinishedTasks(server);
      Thread.sleep(8_000); // handler threads of the warm-up end after their keep-alive time
      long idleThreads = server.status("Threads");
      long idleFiles = server.openFiles();

      LoadMix mix = new LoadMix(server.port(), CLIENTS, DURATION, Duration.ofSeconds(90));
      LoadMix.Report report = mix.run();
      System.out.printf("%s: %s%n", java, report);
      long peakThreads = server.status("Threads");
      long peakRss = server.status("VmHWM");

      assertThat(server.isAlive()).as("the server is alive after the load:\n%s", tail(server.log())).isTrue();
      assertThat(report.violations()).as("answers that were not 2xx or a JSON 429/503 with Retry-After; the "
          + "server log ends:\n%s", tail(server.log())).isEmpty();
      assertThat(report.requests()).isGreaterThan(1000);
      assertThat(server.isAlive()).isTrue();

      // Every task reaches a final state: what still waits is cancelled, as a user would.
      cancelEverythingUnfinished(server);
      awaitNoUnfinishedTasks(server);

      // Back to idle: no CLI process of this server left, handler threads ended, files closed.
      String owner = Ccs.ownerTag(config);
      long processesDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!ProcessTags.ofOwner(owner).isEmpty() && System.nanoTime() < processesDeadline) {
        Thread.sleep(200);
      }
      assertThat(ProcessTags.ofOwner(owner)).as("CLI processes left running").isEmpty();
      long threads = awaitAtMost(() -> server.status("Threads"), idleThreads + 4, Duration.ofSeconds(60));
      long files = awaitAtMost(server::openFiles, idleFiles + 4, Duration.ofSeconds(60));
      String log = server.log();
      assertThat(log).doesNotContain("OutOfMemoryError");
      System.out.printf("%s: peak RSS %d MiB, largest live heap (after a full collection) %d MiB, threads %d idle / %d at the "
          + "end of the load / %d after, open files %d idle / %d after%n", java, peakRss / 1024, maxHeapAfterGc(gcLog),
          idleThreads, peakThreads, threads, idleFiles, files);
    }
  }

  private static String tail(String log) {
    return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
  }

  private static void cancelEverythingUnfinished(ServerProcess server) throws IOException {
    try (RawHttp http = new RawHttp(server.port(), 60_000)) {
      for (String status : new String[] {"pending", "processing"}) {
        JsonNode tasks = Json.parse(http.get("/api/tasks?status=" + status + "&limit=1000").text()).path("tasks");
        for (JsonNode task : tasks) {
          RawHttp.Response reply = http.send("DELETE", "/api/tasks/" + task.path("id").asText(), Map.of(), null);
          // 400 task_finished: it ended while the list was read.
          assertThat(reply.status()).as(reply.toString()).isIn(200, 400);
          if (reply.status() == 400) {
            assertThat(Json.parse(reply.text()).path("code").asText()).isEqualTo("task_finished");
          }
          if (reply.status() == 200) {
            assertThat(Json.parse(reply.text()).path("task").path("status").asText()).isEqualTo("cancelled");
          }
        }
      }
    }
  }

  private static void awaitNoUnfinishedTasks(ServerProcess server) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try (RawHttp http = new RawHttp(server.port(), 60_000)) {
      while (true) {
        JsonNode queue = Json.parse(http.get("/api/tasks/queue/status").text()).path("queue");
        int unfinished = queue.path("pending").asInt() + queue.path("processing").asInt();
        if (unfinished == 0) {
          return;
        }
        assertThat(System.nanoTime()).as("unfinished tasks: %s", queue).isLessThan(deadline);
        cancelEverythingUnfinished(server);
        Thread.sleep(500);
      }
    }
  }

  private static long awaitAtMost(java.util.function.LongSupplier value, long limit, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    long current;
    while ((current = value.getAsLong()) > limit && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    assertThat(current).isLessThanOrEqualTo(limit);
    return current;
  }

  private static long maxHeapAfterGc(Path gcLog) throws IOException {
    long max = 0;
    if (Files.exists(gcLog)) {
      Matcher m = FULL_GC_AFTER.matcher(Files.readString(gcLog));
      while (m.find()) {
        max = Math.max(max, Long.parseLong(m.group(1)));
      }
    }
    return max;
  }
}
