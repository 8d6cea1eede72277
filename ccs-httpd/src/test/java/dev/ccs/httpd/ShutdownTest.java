package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ExecutionConfig;
import dev.ccs.core.config.ShutdownConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.process.Processes;
import dev.ccs.core.process.ProcessTags;
import dev.ccs.testkit.ShellClaude;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a server child JVM mid-run: it stops accepting, answers the request in flight, lets
 * running work finish within {@code shutdown.graceMs}, ends what is still running (no process is
 * left), records the task as interrupted so that the next start runs it again, leaves every file
 * readable, and exits 0. The Node server never killed its children and had no bound on waiting
 * (defect #16).
 */
@Timeout(180)
class ShutdownTest {

  @TempDir
  Path temp;

  private final HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(null))
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void sigtermDrainsWithinTheGraceEndsTheRestAndExitsZero() throws Exception {
    // Runs take 1.5 s; a prompt starting with "slow" takes a minute on its first run.
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 1500, 60_000);
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .taskQueue(new TaskQueueConfig(3, Duration.ofMinutes(5), 0, Duration.ofMillis(200), true))
        .execution(ExecutionConfig.of(Duration.ofMinutes(5), Duration.ofSeconds(2)))
        .shutdown(new ShutdownConfig(Duration.ofSeconds(4)))
        .build();
    Path configFile = temp.resolve("config.json");
    String slowTask;
    try (ServerProcess server = ServerProcess.start(config, configFile, temp.resolve("first.log"))) {
      slowTask = post(server, "/api/async/messages", "{\"prompt\":\"slow job\"}").path("task_id").asText();
      Conditions.await(() -> runs(fake).size() == 1, Duration.ofSeconds(60), server::log);
      CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(
          server.uri("/api/messages")).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"quick\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      Conditions.await(() -> runs(fake).size() == 2, Duration.ofSeconds(60), server::log);

      long signalled = System.nanoTime();
      int exit = server.stop();
      long stopMillis = (System.nanoTime() - signalled) / 1_000_000;

      assertThat(exit).as("exit code after SIGTERM\n%s", server.log()).isZero();
      HttpResponse<String> answered = inFlight.get();
      assertThat(answered.statusCode()).as("the request in flight was answered: %s", answered.body()).isEqualTo(200);
      assertThat(Json.parse(answered.body()).path("result").asText()).isEqualTo("ok");
      // The slow run was given the grace (4 s), then ended; the server did not wait for its minute.
      assertThat(stopMillis).isBetween(3_500L, 15_000L);
      assertThat(server.log()).contains("no new requests", "stopped");
    }
    assertThat(fake.runs()).allSatisfy(run -> assertThat(Processes.isRunning(run.pid())).isFalse());
    assertThat(ProcessTags.ofOwner(Ccs.ownerTag(config))).as("processes left behind").isEmpty();
    assertEveryFileReadable(temp.resolve("home/data"));

    try (ServerProcess second = ServerProcess.start(config, configFile, temp.resolve("second.log"))) {
      // Interrupted, so requeued: it runs again (its second run is quick) and completes.
      Conditions.await(() -> "completed".equals(second.getJson("/api/tasks/" + slowTask).at("/task/status").asText()),
          Duration.ofSeconds(60), second::log);
      assertThat(second.stop()).isZero();
    }
  }

  /** The runs of turns (not the server's {@code claude --version}, which has no session). */
  private static List<ShellClaude.Run> runs(ShellClaude fake) {
    return fake.runs().stream().filter(run -> !run.sessionId().startsWith("00000000-")).toList();
  }

  private static void assertEveryFileReadable(Path dataDir) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dataDir)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.endsWith(".json")) {
        assertThat(Json.parse(Files.readString(file))).as(file.toString()).isNotNull();
      } else if (name.endsWith(".jsonl")) {
        for (String line : Files.readAllLines(file)) {
          assertThat(Json.parse(line)).as(file + ": " + line).isNotNull();
        }
      }
    }
  }

  private JsonNode post(ServerProcess server, String path, String body) throws Exception {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri(path))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 202);
    return Json.parse(response.body());
  }
}
