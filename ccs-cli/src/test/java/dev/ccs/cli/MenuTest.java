package dev.ccs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.cli.base.ApiClient;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scripted menu session against a real server child process: the input lines an operator would
 * type, and the output and the config file they leave.
 */
@Timeout(180)
class MenuTest {

  @TempDir
  Path temp;

  private Path configFile;
  private FakeClaude fake;

  @AfterEach
  void stop() throws Exception {
    if (fake != null) {
      fake.release("hold");
    }
    if (configFile != null) {
      run("", "stop");
    }
  }

  private String run(String input, String... args) throws Exception {
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = configFile.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Main.run(all, Map.of(), new BufferedReader(new StringReader(input)), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void listViewPriorityCancelConfigWithAnInvalidAttemptAndProviders() throws Exception {
    fake = FakeClaude.create(temp);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CcsConfig config = CcsConfig.defaults(temp.resolve("ccs")).toBuilder().port(port)
        .claudePath(fake.executable().toString())
        .taskQueue(new TaskQueueConfig(1, Duration.ofMinutes(5), 0, Duration.ofSeconds(1), true)).build();
    configFile = temp.resolve("ccs").resolve("config.json");
    ConfigLoader.write(configFile, config);
    assertThat(run("", "start")).contains("started (pid");

    ApiClient api = new ApiClient(config);
    String session = api.call("POST", "/api/messages", Json.object().put("prompt", "first session"),
        Duration.ofSeconds(60)).body().path("session_id").asText();
    // One task holds the only slot; two wait behind it.
    fake.enqueue(FakeReply.script().gate("hold").line(FakeReply.resultLine(UUID.randomUUID().toString(), "held", "0.01",
        false, "success")));
    String running = task(api, "the blocker");
    fake.awaitGate("hold", 1);
    String second = task(api, "second task");
    String third = task(api, "third task");

    String output = run(String.join("\n",
        "5", "v 4", "b",                        // sessions: the oldest of four (the message's), viewed
        "8", "p 2 9", "c 1", "y", "b",          // tasks, newest first: #2 gets priority 9, #1 is cancelled
        "11", "2", "1", "abc", "4", "b",        // queue concurrency: an invalid value first, then 4
        "7", "a", "backup", "", "sk-backup", "http://127.0.0.1:9", "2", "off 1", "b", "b",
        "0", ""));

    System.out.println(output);
    assertThat(output).contains("session " + session + " (active)").contains("recent messages")
        .contains("user:      first session").contains("assistant: Echo: first session");
    assertThat(output).contains("priority of " + second + ": 5 -> 9").contains("cancelled " + third);
    assertThat(output).contains("not saved: \"abc\" is not a number")
        .contains("taskQueue.concurrency = 4 (a running server applies it within seconds)");
    assertThat(output).contains("provider backup added").contains("provider backup disabled");
    assertThat(api.call("GET", "/api/tasks/" + second).body().at("/task/priority").asInt()).isEqualTo(9);
    assertThat(api.call("GET", "/api/tasks/" + third).body().at("/task/status").asText()).isEqualTo("cancelled");
    assertThat(api.call("GET", "/api/tasks/" + running).body().at("/task/status").asText()).isEqualTo("processing");

    JsonNode file = Json.parse(Files.readString(configFile));
    assertThat(file.at("/taskQueue/concurrency").isInt()).isTrue();
    assertThat(file.at("/taskQueue/concurrency").asInt()).isEqualTo(4);
    JsonNode provider = file.path("providers").get(0);
    assertThat(provider.path("id").asText()).isEqualTo("backup");
    assertThat(provider.path("apiKey").asText()).isEqualTo("sk-backup");
    assertThat(provider.path("weight").asInt()).isEqualTo(2);
    assertThat(provider.path("enabled").asBoolean()).isFalse();
    assertThat(file.at("/loadBalance/strategy").asText()).isEqualTo("round-robin");
    // The running server took the edits (hot reload): the provider is there, disabled.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode providers = api.call("GET", "/api/load-balance/status").body().path("providers");
    while (providers.size() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      providers = api.call("GET", "/api/load-balance/status").body().path("providers");
    }
    assertThat(providers.toString()).contains("backup");
  }

  private static String task(ApiClient api, String prompt) {
    return api.call("POST", "/api/tasks/async", Json.object().put("prompt", prompt), Duration.ofSeconds(30)).body()
        .at("/task/id").asText();
  }
}
