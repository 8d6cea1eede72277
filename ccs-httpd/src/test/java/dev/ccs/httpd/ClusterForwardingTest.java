package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.StoreConfig;
import dev.ccs.core.json.Json;
import dev.ccs.store.postgres.PgServer;
import dev.ccs.testkit.ShellClaude;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL: a client that reaches the node which does not run a stream or a
 * task still gets its events (forwarded to the node that does, streamed back as they come), and can
 * cancel a streamed turn from there.
 */
@Timeout(120)
class ClusterForwardingTest {

  @TempDir
  Path temp;

  private TestServer a;
  private TestServer b;

  @BeforeEach
  void setUp() {
    String url = PgServer.newDatabase();
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    a = node(url, "node-a", fake);
    b = node(url, "node-b", fake);
    // Only node a runs tasks: node b is where the clients come.
    b.ccs().tasks().close();
  }

  private TestServer node(String url, String id, ShellClaude fake) {
    CcsConfig config = TestServer.config(temp.resolve(id), fake.executable()).toBuilder()
        .workspacePath(temp.resolve("workspace"))
        .store(new StoreConfig("postgres", url, null, null, 4, id, Duration.ofSeconds(5), null, null)).build();
    return TestServer.start(config);
  }

  @AfterEach
  void tearDown() {
    a.close();
    b.close();
  }

  private String session(TestServer node) {
    TestServer.Reply created = node.post("/api/sessions", "{\"project_path\":\"p\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.json().at("/session/id").asText();
  }

  private SseClient sse(TestServer node, String path) {
    return SseClient.open(node.client(), HttpRequest.newBuilder(node.uri(path)).header("Accept", "text/event-stream")
        .GET().build());
  }

  @Test
  void aStreamRunningOnOneNodeIsResumedThroughTheOther() {
    String id = session(a);
    try (SseClient started = SseClient.open(a.client(), HttpRequest.newBuilder(a.uri("/api/sessions/" + id
        + "/continue/stream")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"wait:1500\"}")).build())) {
      assertThat(started.status()).isEqualTo(200);
      String streamId = started.header("X-Stream-Id");
      assertThat(streamId).endsWith("_" + dev.ccs.core.cluster.Cluster.streamTag("node-a"));
      started.next();

      try (SseClient resumed = sse(b, "/api/sessions/" + id + "/stream/resume?stream_id=" + streamId)) {
        assertThat(resumed.status()).isEqualTo(200);
        assertThat(resumed.header("X-CCS-Node")).isEqualTo("node-a");
        assertThat(resumed.header("X-Stream-Id")).isEqualTo(streamId);
        List<SseClient.Event> events = resumed.rest();
        assertThat(events.get(events.size() - 1).name()).isEqualTo("done");
        assertThat(events).extracting(SseClient.Event::data).anyMatch(data -> data.contains("\"ok\""));
      }
    }
    // A stream nobody has: 404 from either node.
    assertThat(b.get("/api/sessions/" + id + "/stream/resume?stream_id=stream_00_0000").status()).isEqualTo(404);
  }

  @Test
  void aStreamedTurnOnOneNodeIsCancelledThroughTheOther() {
    String id = session(a);
    try (SseClient started = SseClient.open(a.client(), HttpRequest.newBuilder(a.uri("/api/sessions/" + id
        + "/continue/stream")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"wait:30000\"}")).build())) {
      started.next();
      TestServer.Reply cancelled = b.delete("/api/sessions/" + id + "/stream");
      assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
      assertThat(cancelled.json().path("cancelled").asBoolean()).isTrue();
      assertThat(cancelled.header("X-CCS-Node")).isEqualTo("node-a");
      List<SseClient.Event> events = started.rest();
      assertThat(events.get(events.size() - 1).name()).isEqualTo("error");
    }
    assertThat(b.delete("/api/sessions/" + id + "/stream").status()).isEqualTo(404);
  }

  @Test
  void aTaskRunningOnOneNodeStreamsItsEventsThroughTheOther() throws Exception {
    TestServer.Reply submitted = b.post("/api/async/messages", "{\"prompt\":\"wait:1500\"}");
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
    String task = submitted.json().path("task_id").asText();
    Conditions.await(() -> "processing".equals(b.get("/api/tasks/" + task).json().at("/task/status").asText()),
        Duration.ofSeconds(20));
    try (SseClient events = sse(b, "/api/tasks/" + task + "/events")) {
      assertThat(events.status()).isEqualTo(200);
      assertThat(events.header("X-CCS-Node")).isEqualTo("node-a");
      List<SseClient.Event> all = events.rest();
      // The CLI's output, which only node a saw, and the end.
      assertThat(all).extracting(SseClient.Event::data).anyMatch(data -> data.contains("text_delta"));
      assertThat(all.get(all.size() - 1).name()).isEqualTo("done");
      assertThat(Json.parse(all.get(all.size() - 1).data()).path("status").asText()).isEqualTo("completed");
    }
    // Finished: any node answers from the record.
    try (SseClient replay = sse(b, "/api/tasks/" + task + "/events")) {
      assertThat(replay.header("X-CCS-Node")).isNull();
      List<SseClient.Event> all = replay.rest();
      assertThat(all.get(all.size() - 1).name()).isEqualTo("done");
    }
  }
}
