package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.LoadBalanceConfig;
import dev.ccs.core.config.LogConfig;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.json.Json;
import dev.ccs.httpd.log.ServerLog;
import dev.ccs.testkit.FakeClaude;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server's own log file: rotation by size, text or JSON lines, one line per request, no secrets. */
@Timeout(120)
class ServerLogTest {

  private static final String SECRET = "sk-ant-logtest-0123456789";
  private static final String PROMPT = "PROMPT-MARKER-7f3a";

  @TempDir
  Path temp;

  @Test
  void theLogFileNeverGrowsPastItsFilesAndKeepsTheNewestLines() throws Exception {
    Path file = temp.resolve("logs/server.log");
    CcsConfig config = CcsConfig.defaults(temp).toBuilder().logFile(file)
        .logging(new LogConfig("text", 64 * 1024, 3)).build();
    ServerLog.configure(config, false);
    try {
      org.slf4j.Logger log = new dev.ccs.httpd.log.CcsLogProvider().getLoggerFactory().getLogger("dev.ccs.Test");
      String padding = "x".repeat(200);
      for (int i = 0; i < 2000; i++) {
        log.info("line {} {}", i, padding);
      }
      ServerLog.close(); // lines are written by the log's own thread: this waits for them
      try (Stream<Path> files = Files.list(file.getParent())) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("server.log", "server.log.1",
            "server.log.2");
      }
      for (String name : List.of("server.log", "server.log.1", "server.log.2")) {
        assertThat(Files.size(file.resolveSibling(name))).isLessThanOrEqualTo(64 * 1024);
        assertThat(Files.readAllLines(file.resolveSibling(name))).allMatch(l -> l.endsWith(padding));
      }
      List<String> current = Files.readAllLines(file);
      assertThat(current.get(current.size() - 1)).contains("Test - line 1999 ");
      assertThat(Files.readAllLines(file.resolveSibling("server.log.1")).get(0)).doesNotContain("line 0 ");
    } finally {
      ServerLog.close();
    }
  }

  @Test
  void aServerWritesOneJsonLinePerRequestAndNeverAPromptOrASecret() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);
    Path logFile = temp.resolve("home/logs/server.log");
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .logFile(logFile).logLevel("info").logging(new LogConfig("json", 1024 * 1024, 2))
        .providers(List.of(new ProviderConfig("a", "A", SECRET, "http://127.0.0.1:9/a", 1, true, Map.of())))
        .loadBalance(LoadBalanceConfig.DEFAULT).build();
    HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(null)).build();
    try (ServerProcess server = ServerProcess.start(config, temp.resolve("config.json"), temp.resolve("stderr.log"))) {
      HttpResponse<String> answer = client.send(HttpRequest.newBuilder(server.uri("/api/messages"))
          .header("Content-Type", "application/json").header("X-Request-Id", "logtest-1")
          .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"" + PROMPT + "\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      client.send(HttpRequest.newBuilder(server.uri("/api/sessions/" + PROMPT)).build(),
          HttpResponse.BodyHandlers.ofString());
      // A request's line is written once its answer is out: wait for it before stopping the server.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!Files.readString(logFile).contains("/api/sessions/{id}") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
    List<String> lines = Files.readAllLines(logFile);
    assertThat(lines).isNotEmpty();
    boolean accessSeen = false;
    for (String line : lines) {
      JsonNode entry = Json.parse(line);
      assertThat(entry.path("time").asText()).isNotEmpty();
      assertThat(entry.path("level").asText()).isIn("DEBUG", "INFO", "WARN", "ERROR");
      if (entry.path("logger").asText().equals("access") && entry.path("request_id").asText().equals("logtest-1")) {
        assertThat(entry.path("method").asText()).isEqualTo("POST");
        assertThat(entry.path("route").asText()).isEqualTo("/api/messages");
        assertThat(entry.path("status").asInt()).isEqualTo(200);
        assertThat(entry.path("client").asText()).isEqualTo("127.0.0.1");
        accessSeen = true;
      }
    }
    assertThat(accessSeen).as("the request's line in %s", lines).isTrue();
    assertThat(String.join("\n", lines)).contains("\"route\":\"/api/sessions/{id}\"")
        .doesNotContain(PROMPT, SECRET);
  }

  /**
   * Node defect #45: its logLevel was fixed at the first logger, so an edit changed only a message.
   * Here an edit to {@code warn} drops the next request's (info) line, while a warning still shows.
   */
  @Test
  void aNewLogLevelIsAppliedOnReload() throws Exception {
    Path logFile = temp.resolve("home/logs/server.log");
    Path configFile = temp.resolve("config.json");
    CcsConfig config = TestServer.config(temp.resolve("home"), FakeClaude.create(temp).executable()).toBuilder()
        .logFile(logFile).logLevel("info").logging(new LogConfig("text", 1024 * 1024, 2)).build();
    HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(null)).build();
    try (ServerProcess server = ServerProcess.start(config, configFile, temp.resolve("stderr.log"))) {
      client.send(HttpRequest.newBuilder(server.uri("/api/sessions")).build(), HttpResponse.BodyHandlers.ofString());
      Conditions.await(() -> read(logFile).contains("/api/sessions"), Duration.ofSeconds(10));

      Files.writeString(configFile, Files.readString(configFile).replace("\"logLevel\" : \"info\"",
          "\"logLevel\" : \"warn\""));
      HttpResponse<String> reload = client.send(HttpRequest.newBuilder(server.uri("/api/config/reload"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(reload.body()).contains("logLevel");
      int linesAtWarn = read(logFile).lines().toList().size();
      client.send(HttpRequest.newBuilder(server.uri("/api/projects")).build(), HttpResponse.BodyHandlers.ofString());
      // A refused edit logs a warning: once it is there, the request's line would be too.
      Files.writeString(configFile, "{ not json");
      client.send(HttpRequest.newBuilder(server.uri("/api/config/reload")).POST(HttpRequest.BodyPublishers.noBody())
          .build(), HttpResponse.BodyHandlers.ofString());
      Conditions.await(() -> read(logFile).contains("WARN"), Duration.ofSeconds(10));
      Thread.sleep(500);
      List<String> lines = read(logFile).lines().toList();
      List<String> after = lines.subList(linesAtWarn, lines.size());
      assertThat(after).isNotEmpty().allMatch(line -> line.contains("WARN"), "a warning");
      assertThat(String.join("\n", after)).doesNotContain("/api/projects");
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
