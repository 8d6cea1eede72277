package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.WarmSessionsConfig;
import dev.ccs.testkit.FakeClaude;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code warm} field and what the server shows of warm processes, over HTTP with the fake CLI. */
@Timeout(120)
class WarmSessionsApiTest {

  @TempDir
  Path temp;

  private FakeClaude fake;
  private TestServer server;

  @BeforeEach
  void setUp() {
    fake = FakeClaude.create(temp);
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private TestServer start(boolean enabled) {
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .warmSessions(new WarmSessionsConfig(enabled, 4, Duration.ofMinutes(5), 100, 4096)).build();
    server = TestServer.start(config);
    return server;
  }

  private String createSession() {
    TestServer.Reply created = server.post("/api/sessions", "{\"project_path\":\"proj\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.json().at("/session/id").asText();
  }

  @Test
  void warmTrueIsRefusedWhereWarmSessionsAreOffAndAnythingButABooleanIsRefusedEverywhere() {
    start(false);
    String id = createSession();

    TestServer.Reply refused = server.post("/api/sessions/" + id + "/continue", "{\"prompt\":\"hi\",\"warm\":true}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().path("code").asText()).isEqualTo("warm_sessions_disabled");
    assertThat(refused.json().path("error").asText()).contains("warmSessions.enabled");
    TestServer.Reply wrongType = server.post("/api/sessions/" + id + "/continue", "{\"prompt\":\"hi\",\"warm\":\"yes\"}");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.json().path("error").asText()).contains("warm");
    TestServer.Reply task = server.post("/api/messages", "{\"prompt\":\"hi\",\"session_id\":\"" + id
        + "\",\"async\":true,\"warm\":true}");
    assertThat(task.status()).as("refused at submission, nothing queued").isEqualTo(403);
    assertThat(server.get("/api/tasks").json().path("tasks")).isEmpty();
    assertThat(fake.invocations()).isEmpty();

    assertThat(server.post("/api/sessions/" + id + "/continue", "{\"prompt\":\"hi\",\"warm\":false}").status())
        .isEqualTo(200);
    assertThat(server.get("/api/sessions/" + id).json().at("/session/warm/state").asText()).isEqualTo("none");
    assertThat(server.get("/health").json().at("/warm_sessions/enabled").asBoolean()).isFalse();
  }

  @Test
  void aSessionShowsItsWarmProcessAndTheServerCountsWarmAndColdTurns() {
    start(true);
    String id = createSession();
    for (String prompt : List.of("one", "two", "three")) {
      assertThat(server.post("/api/sessions/" + id + "/continue", "{\"prompt\":\"" + prompt + "\"}").status())
          .isEqualTo(200);
    }

    JsonNode warm = server.get("/api/sessions/" + id).json().at("/session/warm");
    assertThat(warm.path("state").asText()).isEqualTo("idle");
    assertThat(warm.path("turns").asInt()).isEqualTo(3);
    assertThat(warm.path("pid").asLong()).isEqualTo(fake.invocations().get(0).pid());
    assertThat(warm.path("rss_bytes").asLong()).isPositive();
    assertThat(server.get("/api/sessions/" + id + "/stats").json().at("/stats/warm/turns").asInt()).isEqualTo(3);
    JsonNode health = server.get("/health").json().path("warm_sessions");
    assertThat(health.path("processes").asInt()).isEqualTo(1);
    assertThat(health.path("rss").asLong()).isPositive();
    assertThat(health.at("/turns/warm/count").asLong()).isEqualTo(2);
    assertThat(health.at("/turns/cold/count").asLong()).isEqualTo(1);
    assertThat(health.at("/turns/warm/p50_ms").asDouble()).isPositive();
    String metrics = server.get("/metrics").text();
    assertThat(metrics).contains("ccs_warm_processes{state=\"idle\"} 1", "ccs_session_turns_total{kind=\"warm\"} 2",
        "ccs_session_turns_total{kind=\"cold\"} 1", "ccs_warm_resident_memory_bytes ");

    // Deleting the session ends its process.
    long pid = warm.path("pid").asLong();
    assertThat(server.delete("/api/sessions/" + id).status()).isEqualTo(200);
    assertThat(ProcessHandle.of(pid).map(h -> dev.ccs.core.process.Processes.awaitExit(h, Duration.ofSeconds(10)))
        .orElse(true)).isTrue();
    assertThat(server.get("/health").json().at("/warm_sessions/processes").asInt()).isZero();
  }

  @Test
  void queuedTasksOfASessionUseItsWarmProcess() throws Exception {
    start(true);
    String id = createSession();
    for (int i = 0; i < 3; i++) {
      TestServer.Reply submitted = server.post("/api/messages", "{\"prompt\":\"task " + i + "\",\"session_id\":\"" + id
          + "\",\"async\":true}");
      assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
      String task = submitted.json().path("task_id").asText();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!server.get("/api/tasks/" + task).json().at("/task/status").asText().equals("completed")
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(server.get("/api/tasks/" + task).json().at("/task/status").asText()).isEqualTo("completed");
    }

    assertThat(fake.invocations()).hasSize(1);
    assertThat(fake.warmTurns()).extracting(t -> t[2]).containsExactly("task 0", "task 1", "task 2");
    assertThat(fake.warmTurns()).extracting(t -> t[0]).containsOnly(Long.toString(fake.invocations().get(0).pid()));
  }
}
