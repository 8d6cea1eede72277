package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.WarmSessionsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.process.ProcessTags;
import dev.ccs.core.process.Processes;
import dev.ccs.testkit.FakeClaude;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server killed with SIGKILL while it holds warm CLIs: an idle one ends by itself (its stdin
 * closes with the server), a busy one is ended by the next server before anything runs again, and
 * the task it was running is run again and completes.
 */
@Timeout(120)
class WarmCrashTest {

  @TempDir
  Path temp;

  private final HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(null))
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void warmCliProcessesDoNotOutliveAKilledServerAndItsTaskRunsAgain() throws Exception {
    FakeClaude fake = FakeClaude.create(temp.resolve("fake"));
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .warmSessions(new WarmSessionsConfig(true, 4, Duration.ofMinutes(5), 100, 4096)).build();
    Path configFile = temp.resolve("config.json");
    String busySession;
    String task;
    long idle;
    long busy;
    try (ServerProcess first = ServerProcess.start(config, configFile, temp.resolve("first.log"))) {
      String idleSession = createSession(first);
      busySession = createSession(first);
      post(first, "/api/sessions/" + idleSession + "/continue", "{\"prompt\":\"hello\"}", 200);
      post(first, "/api/sessions/" + busySession + "/continue", "{\"prompt\":\"hello\"}", 200);
      idle = first.getJson("/api/sessions/" + idleSession).at("/session/warm/pid").asLong();
      busy = first.getJson("/api/sessions/" + busySession).at("/session/warm/pid").asLong();
      task = post(first, "/api/messages", "{\"prompt\":\"wait:8000\",\"session_id\":\"" + busySession
          + "\",\"async\":true}", 202).path("task_id").asText();
      Conditions.await(() -> first.getJson("/api/sessions/" + busySession).at("/session/warm/state").asText()
          .equals("busy"), Duration.ofSeconds(30));

      first.kill();
    }
    // Its stdin closed with the server: the idle CLI exits by itself, at once.
    assertThat(ProcessHandle.of(idle).map(h -> Processes.awaitExit(h, Duration.ofSeconds(10))).orElse(true)).isTrue();
    // The busy one finishes its turn for nobody (as the CLI does when its stdin closes mid-turn).
    assertThat(Processes.isRunning(busy)).isTrue();

    try (ServerProcess second = ServerProcess.start(config, configFile, temp.resolve("second.log"))) {
      assertThat(Processes.isRunning(busy)).as("ended by the next server's start").isFalse();
      Conditions.await(() -> second.getJson("/api/tasks/" + task).at("/task/status").asText().equals("completed"),
          Duration.ofSeconds(60));
      JsonNode done = second.getJson("/api/tasks/" + task).path("task");
      assertThat(done.path("attempts").asInt()).isEqualTo(2);
      assertThat(second.stop()).isIn(0, 143);
    }
    assertThat(ProcessTags.ofOwner(Ccs.ownerTag(config))).as("processes left behind").isEmpty();
  }

  private String createSession(ServerProcess server) throws Exception {
    return post(server, "/api/sessions", "{\"project_path\":\"proj\"}", 201).at("/session/id").asText();
  }

  private JsonNode post(ServerProcess server, String path, String body, int status) throws Exception {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri(path))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return Json.parse(response.body());
  }
}
