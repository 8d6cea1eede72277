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
import java.io.UncheckedIOException;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a child JVM under mixed load (sync messages in new and existing sessions, streamed
 * turns, queued tasks, some of them long, listings) is killed with SIGKILL at a random moment, 20
 * times over the same data directory. After each restart: every file parses, everything a client
 * was told had succeeded is there (sessions, turns with their answers, tasks), and no CLI process
 * of the killed server is still running. At the end every acknowledged task has completed, and no
 * session ever ran two CLIs at once.
 */
@Tag("reliability")
@Timeout(900)
class CrashLoopTest {

  private static final int ROUNDS = 20;

  @TempDir
  Path temp;

  private final HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(null))
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** Acknowledged turns: prompt -> session id (the prompt is unique). */
  private final Map<String, String> turns = new ConcurrentHashMap<>();
  /** Acknowledged tasks: task id -> session id. */
  private final Map<String, String> tasks = new ConcurrentHashMap<>();
  /** Sessions whose creation was acknowledged. */
  private final Set<String> sessions = ConcurrentHashMap.newKeySet();
  /** What a client saw that it should not have (a wrong answer), to fail the test with. */
  private final List<Throwable> clientFailures = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Test
  void twentyKillsUnderMixedLoadLoseNothingAcknowledgedAndLeaveNoProcess() throws Exception {
    long seed = System.nanoTime();
    System.out.println("CrashLoopTest seed " + seed);
    Random random = new Random(seed);
    // 20 ms per run; a prompt starting with "slow" runs for a minute (on its first run only), so a
    // kill leaves it running without its server.
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 20, 60_000);
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .taskQueue(new TaskQueueConfig(3, Duration.ofMinutes(5), 0, Duration.ofMillis(200), true))
        .execution(ExecutionConfig.of(Duration.ofMinutes(5), Duration.ofSeconds(5)))
        .build();
    Path configFile = temp.resolve("config.json");
    Path dataDir = config.dataDir();
    List<Long> orphans = List.of();
    Map<String, String> checkedTurns = Map.of();

    for (int round = 1; round <= ROUNDS; round++) {
      try (ServerProcess server = ServerProcess.start(config, configFile, temp.resolve("server-" + round + ".log"))) {
        // The killed server's CLI processes are ended before the new one serves.
        assertThat(orphans).as("round %d: CLI processes of the killed server", round).noneMatch(Processes::isRunning);
        assertEveryFileParses(dataDir);
        Map<String, String> newTurns = new java.util.HashMap<>(turns);
        newTurns.keySet().removeAll(checkedTurns.keySet());
        assertTurnsPresent(server, newTurns);
        checkedTurns = Map.copyOf(turns);
        for (String session : sessions) {
          assertThat(status(server, "/api/sessions/" + session)).as("acknowledged session %s", session).isEqualTo(200);
        }
        for (String task : tasks.keySet()) {
          assertThat(status(server, "/api/tasks/" + task)).as("acknowledged task %s", task).isEqualTo(200);
        }

        // One long run per round, which the kill leaves running without its server.
        task(server, "slow ");
        List<Thread> clients = List.of(
            client(() -> syncTurn(server, null)),
            client(() -> syncTurn(server, anySession(random))),
            client(() -> streamedTurn(server)),
            client(() -> {
              task(server, "task ");
              Thread.sleep(10);
            }),
            client(() -> server.getJson("/api/sessions?limit=50")));
        clients.forEach(Thread::start);
        Thread.sleep(300 + random.nextInt(1700));
        server.kill();
        for (Thread thread : clients) {
          thread.join(30_000);
          assertThat(thread.isAlive()).as("a client still waiting 30 s after the kill").isFalse();
        }
        assertThat(clientFailures).as("round %d: what the clients saw", round).isEmpty();
      }
      orphans = fake.runs().stream().filter(r -> r.endLine() < 0).map(ShellClaude.Run::pid)
          .filter(Processes::isRunning).toList();
    }

    try (ServerProcess last = ServerProcess.start(config, configFile, temp.resolve("server-last.log"))) {
      assertThat(orphans).noneMatch(Processes::isRunning);
      assertEveryFileParses(dataDir);
      assertTurnsPresent(last, turns);
      Conditions.await(() -> unfinished(last) == 0, Duration.ofSeconds(300));
      for (String task : tasks.keySet()) {
        JsonNode stored = last.getJson("/api/tasks/" + task).path("task");
        assertThat(stored.path("status").asText()).as("task %s", stored).isEqualTo("completed");
      }
      System.out.printf("CrashLoopTest: %d kills; %d turns, %d sessions and %d tasks acknowledged, all kept%n", ROUNDS,
          turns.size(), sessions.size(), tasks.size());
      assertThat(turns.size()).as("turns acknowledged over the rounds").isGreaterThan(ROUNDS);
      assertThat(tasks.size()).as("tasks acknowledged over the rounds").isGreaterThan(ROUNDS);
      assertThat(last.stop()).isIn(0, 143);
    }
    assertThat(fake.overlaps()).as("a session's CLI started while another of its runs was alive").isEmpty();
    assertThat(ProcessTags.ofOwner(Ccs.ownerTag(config))).as("processes left behind").isEmpty();
  }

  // ------------------------------------------------------------------ load

  interface Step {
    void run() throws Exception;
  }

  /** A client that repeats its step until the server is gone; anything else it meets fails the test. */
  private Thread client(Step step) {
    return new Thread(() -> {
      try {
        while (true) {
          step.run();
        }
      } catch (IOException | UncheckedIOException e) {
        // The server was killed: what had not been answered was not acknowledged.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception | AssertionError e) {
        clientFailures.add(e);
      }
    });
  }

  private String anySession(Random random) {
    List<String> known = new ArrayList<>(sessions);
    synchronized (random) {
      return known.isEmpty() ? null : known.get(random.nextInt(known.size()));
    }
  }

  private void syncTurn(ServerProcess server, String session) throws Exception {
    String prompt = "sync " + UUID.randomUUID();
    String body = "{\"prompt\":\"" + prompt + "\"" + (session == null ? "" : ",\"session_id\":\"" + session + "\"") + "}";
    HttpResponse<String> response = post(server, "/api/messages", body);
    if (response.statusCode() == 200) {
      JsonNode answer = Json.parse(response.body());
      assertThat(answer.path("result").asText()).isEqualTo("ok");
      turns.put(prompt, answer.path("session_id").asText());
      sessions.add(answer.path("session_id").asText());
    } else {
      // A session busy with an earlier turn may refuse to queue another; nothing else is expected.
      assertThat(response.statusCode()).as(response.body()).isIn(409, 429, 503);
    }
  }

  private void streamedTurn(ServerProcess server) throws Exception {
    HttpResponse<String> created = post(server, "/api/sessions", "{\"project_path\":\"streams\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String session = Json.parse(created.body()).path("session").path("id").asText();
    sessions.add(session);
    String prompt = "stream " + UUID.randomUUID();
    try (SseClient sse = SseClient.open(client, HttpRequest.newBuilder(server.uri("/api/sessions/" + session
        + "/continue/stream")).header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"" + prompt + "\"}")).build())) {
      assertThat(sse.status()).isEqualTo(200);
      SseClient.Event event;
      while ((event = sse.next()) != null) {
        if (event.name().equals("done")) {
          turns.put(prompt, session);
          return;
        }
      }
      // Cut off by the kill before the end: not acknowledged.
      throw new IOException("stream ended without done");
    }
  }

  private void task(ServerProcess server, String kind) throws Exception {
    HttpResponse<String> response = post(server, "/api/async/messages",
        "{\"prompt\":\"" + kind + UUID.randomUUID() + "\",\"priority\":5}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonNode body = Json.parse(response.body());
    tasks.put(body.path("task_id").asText(), body.path("session_id").asText());
  }

  private HttpResponse<String> post(ServerProcess server, String path, String body) throws IOException,
      InterruptedException {
    return client.send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int status(ServerProcess server, String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int unfinished(ServerProcess server) {
    JsonNode queue = server.getJson("/api/tasks/queue/status").path("queue");
    return queue.path("pending").asInt() + queue.path("processing").asInt();
  }

  // ------------------------------------------------------------------ checks

  /** Each acknowledged turn's prompt is in its session's history, answered. */
  private static void assertTurnsPresent(ServerProcess server, Map<String, String> expected) {
    Map<String, List<String>> bySession = new java.util.HashMap<>();
    expected.forEach((prompt, session) -> bySession.computeIfAbsent(session, s -> new ArrayList<>()).add(prompt));
    bySession.forEach((session, prompts) -> {
      List<String> contents = new ArrayList<>();
      String before = null;
      while (true) {
        JsonNode page = server.getJson("/api/sessions/" + session + "/messages?limit=100&order=asc"
            + (before == null ? "" : "&after_id=" + before));
        JsonNode messages = page.path("messages");
        for (JsonNode message : messages) {
          contents.add(message.path("role").asText() + ":" + message.path("content").asText());
        }
        if (!page.path("pagination").path("has_more").asBoolean(false) || messages.isEmpty()) {
          break;
        }
        before = messages.get(messages.size() - 1).path("id").asText();
      }
      for (String prompt : prompts) {
        int at = contents.indexOf("user:" + prompt);
        assertThat(at).as("acknowledged turn %s of session %s in %s", prompt, session, contents).isNotNegative();
        assertThat(contents.subList(at + 1, contents.size())).as("the answer to %s", prompt).contains("assistant:ok");
      }
    });
  }

  /** Every JSON file parses, and every complete line of every JSON-lines file. */
  private static void assertEveryFileParses(Path dataDir) throws IOException {
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".json")) {
          assertThat(parses(Files.readString(file))).as("%s parses", file).isTrue();
        } else if (name.endsWith(".jsonl")) {
          String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
          int end = text.lastIndexOf('\n');
          for (String line : end < 0 ? new String[0] : text.substring(0, end).split("\n")) {
            assertThat(parses(line)).as("a line of %s parses: %s", file, line).isTrue();
          }
        }
      }
    }
  }

  private static boolean parses(String text) {
    try {
      Json.parse(text);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
