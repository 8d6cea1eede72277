package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.core.config.LoadedConfig;
import dev.ccs.core.config.RateLimitConfig;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import dev.ccs.testkit.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload of the config file, over real HTTP and real file edits: applied live (rate limits,
 * queue concurrency), restart-only keys reported, invalid edits refused with the old config kept,
 * editors' rename-over saves seen, a burst of requests never sees half of two configs, and the file
 * is never written by the server (Node defects #44 and #45).
 */
@Timeout(120)
class ConfigReloadTest {

  @TempDir
  Path temp;

  private Path file;
  private FakeClaude fake;
  private TestServer server;

  @BeforeEach
  void setUp() throws Exception {
    file = temp.resolve("config.json");
    fake = FakeClaude.create(temp);
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .rateLimit(new RateLimitConfig(true, Duration.ofMinutes(1), 1000, 1000, 4000)).build();
    ConfigLoader.write(file, config);
    LoadedConfig loaded = ConfigLoader.load(file, Map.of());
    server = TestServer.start(loaded.config());
    server.httpServer().watchConfig(server.ccs(), loaded, Map.of(), Set.of());
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private void edit(Consumer<ObjectNode> change) throws Exception {
    ObjectNode json = (ObjectNode) Json.parse(Files.readString(file));
    change.accept(json);
    Files.writeString(file, Json.writePretty(json));
  }

  private static ObjectNode section(ObjectNode root, String name) {
    return (ObjectNode) root.get(name);
  }

  @Test
  void anEditIsAppliedLiveAndRestartOnlyKeysWait() throws Exception {
    assertThat(server.get("/api/sessions").header("RateLimit-Limit")).isEqualTo("1000");
    edit(json -> {
      section(json, "rateLimit").put("burst", 7);
      section(json, "taskQueue").put("concurrency", 5);
      json.put("port", 1);
    });

    Conditions.await(() -> "7".equals(server.get("/api/sessions").header("RateLimit-Limit")), Duration.ofSeconds(20));
    assertThat(server.get("/api/tasks/queue/status").json().at("/queue/concurrency").asInt()).isEqualTo(5);
    JsonNode config = server.get("/api/config").json();
    assertThat(config.at("/config/rateLimit/burst").asInt()).isEqualTo(7);
    assertThat(config.at("/config/port").asInt()).as("still the running port").isZero();
    assertThat(config.path("pending_restart").toString()).isEqualTo("[\"port\"]");
    assertThat(config.at("/sources/rateLimit.burst").asText()).isEqualTo("file");
    assertThat(config.at("/sources/shutdown.graceMs").asText()).isEqualTo("file");

    // A key removed from the file goes back to its default (the Node server kept the old value).
    edit(json -> section(json, "rateLimit").remove("burst"));
    Conditions.await(() -> "1000".equals(server.get("/api/sessions").header("RateLimit-Limit")), Duration.ofSeconds(20));
    assertThat(server.get("/api/config").json().at("/sources/rateLimit.burst").asText()).isEqualTo("default");
  }

  /**
   * Node defect #45, the rest of it: its {@code taskQueue.defaultTimeout} took effect only together
   * with a concurrency change. Alone, it applies to the next task (the log level: ServerLogTest).
   */
  @Test
  void aNewTaskTimeoutAloneIsApplied() throws Exception {
    edit(json -> section(json, "taskQueue").put("defaultTimeout", 1500));
    TestServer.Reply reload = server.post("/api/config/reload", "");
    assertThat(reload.status()).as(reload.text()).isEqualTo(200);
    assertThat(reload.json().path("changed").toString()).isEqualTo("[\"taskQueue.defaultTimeout\"]");

    fake.enqueue(FakeReply.script().line(FakeReply.initLine(java.util.UUID.randomUUID().toString())).hang());
    long started = System.nanoTime();
    TestServer.Reply submitted = server.post("/api/async/messages", "{\"prompt\":\"stuck\"}");
    assertThat(submitted.status()).isEqualTo(202);
    String id = submitted.json().path("task_id").asText();
    Conditions.await(() -> server.get("/api/tasks/" + id).json().at("/task/status").asText().equals("timeout"),
        Duration.ofSeconds(30));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    assertThat(dev.ccs.core.process.Processes.isRunning(fake.takeInvocation().pid())).isFalse();
  }

  /**
   * Webhooks and budgets are among what a reload applies (the Node server's reload never refreshed
   * {@code webhook.enabled} or {@code defaultUrl}): the next task is announced to the new URL and its
   * run gets the new budget.
   */
  @Test
  void webhooksAndTheBudgetApplyToTheNextTask() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      edit(json -> {
        section(json, "webhook").put("enabled", true).put("defaultUrl", receiver.url("/hook"))
            .put("allowPrivateTargets", true);
        json.put("maxBudgetUsd", 0.75);
      });
      TestServer.Reply reload = server.post("/api/config/reload", "");
      assertThat(reload.status()).as(reload.text()).isEqualTo(200);
      assertThat(reload.json().path("changed").toString()).contains("webhook.enabled", "webhook.defaultUrl",
          "maxBudgetUsd");

      TestServer.Reply submitted = server.post("/api/async/messages", "{\"prompt\":\"hello\"}");
      assertThat(submitted.status()).isEqualTo(202);
      String id = submitted.json().path("task_id").asText();
      assertThat(receiver.take("task.completed").body()).contains(id);
      assertThat(fake.takeInvocation().args()).contains("--max-budget-usd=0.75");
    }
  }

  @Test
  void anInvalidEditIsRefusedAndTheRunningConfigStays() throws Exception {
    String before = server.get("/api/config").json().path("config").toString();
    for (String broken : List.of("{ not json", "{\"rateLimit\": {\"maxRequests\": \"many\"}}",
        "{\"taskQueue\": {\"concurrency\": 99}}")) {
      Files.writeString(file, broken);
      TestServer.Reply reply = server.post("/api/config/reload", "");
      assertThat(reply.status()).as(broken).isEqualTo(400);
      assertThat(reply.json().path("code").asText()).isEqualTo("invalid_config");
      assertThat(server.get("/api/config").json().path("config").toString()).isEqualTo(before);
    }
    assertThat(server.post("/api/config/reload", "").json().path("error").asText())
        .contains("taskQueue.concurrency", "99");
    assertThat(server.get("/api/sessions").header("RateLimit-Limit")).isEqualTo("1000");
  }

  @Test
  void aRenameOverSaveIsSeenAndTheFileIsNeverWritten() throws Exception {
    ObjectNode json = (ObjectNode) Json.parse(Files.readString(file));
    section(json, "rateLimit").put("burst", 9);
    Path saved = temp.resolve(".config.json.swp");
    Files.writeString(saved, Json.writePretty(json));
    Files.move(saved, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    Conditions.await(() -> "9".equals(server.get("/api/sessions").header("RateLimit-Limit")), Duration.ofSeconds(20));
    String content = Files.readString(file);
    long modified = Files.getLastModifiedTime(file).toMillis();
    // A second edit is seen on the new file too (the watch follows the name, not the old inode).
    edit(j -> section(j, "rateLimit").put("burst", 11));
    Conditions.await(() -> "11".equals(server.get("/api/sessions").header("RateLimit-Limit")), Duration.ofSeconds(20));
    content = Files.readString(file);
    modified = Files.getLastModifiedTime(file).toMillis();
    Thread.sleep(3000);
    assertThat(Files.readString(file)).as("the server never rewrites its config").isEqualTo(content);
    assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(modified);
    assertThat(server.post("/api/config/reload", "").json().path("changed").size()).as("nothing left to apply")
        .isZero();
  }

  @Test
  void aBurstOfRequestsNeverSeesHalfOfTwoConfigs() throws Exception {
    Map<String, Integer> pairs = new ConcurrentHashMap<>();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> clients = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread client = new Thread(() -> {
        while (running.get()) {
          TestServer.Reply reply = server.get("/api/sessions");
          pairs.merge(reply.header("RateLimit-Policy") + " / " + reply.header("RateLimit-Limit"), 1, Integer::sum);
        }
      });
      client.start();
      clients.add(client);
    }
    // maxRequests (the policy header) and burst (the limit header) change together, back and forth.
    for (int round = 0; round < 6; round++) {
      int n = round % 2 == 0 ? 2000 : 1000;
      edit(json -> section(json, "rateLimit").put("maxRequests", n).put("burst", n));
      assertThat(server.post("/api/config/reload", "").status()).isEqualTo(200);
      Thread.sleep(100);
    }
    running.set(false);
    for (Thread client : clients) {
      client.join();
    }
    assertThat(pairs.keySet()).as("each answer's limits come from one config")
        .allSatisfy(pair -> assertThat(pair).isIn("1000;w=60 / 1000", "2000;w=60 / 2000"));
    assertThat(pairs.keySet()).hasSize(2);
  }
}
