package dev.ccs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.testkit.FakeClaude;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(180)
class CliTest {

  @TempDir
  Path temp;

  private Path configFile;

  @AfterEach
  void stopServer() throws Exception {
    if (configFile != null) {
      run("stop");
    }
  }

  private Path writeConfig() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CcsConfig config = CcsConfig.defaults(temp.resolve("ccs")).toBuilder().port(port)
        .claudePath(fake.executable().toString())
        .warmSessions(new dev.ccs.core.config.WarmSessionsConfig(true, 4, java.time.Duration.ofMinutes(5), 100, 1024))
        .build();
    configFile = temp.resolve("ccs").resolve("config.json");
    ConfigLoader.write(configFile, config);
    return configFile;
  }

  private Result run(String... args) throws Exception {
    return withInput("", args);
  }

  private Result withInput(String input, String... args) throws Exception {
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = configFile.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = Main.run(all, Map.of(), new BufferedReader(new StringReader(input)),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return new Result(code, bytes.toString(StandardCharsets.UTF_8));
  }

  private record Result(int code, String output) {
  }

  @Test
  void startStatusMenuStop() throws Exception {
    writeConfig();

    Result before = run("status");
    assertThat(before.code()).isEqualTo(3);
    assertThat(before.output()).contains("not running");

    Result start = run("start");
    assertThat(start.code()).as(start.output()).isZero();
    assertThat(start.output()).contains("started (pid");

    Result again = run("start");
    assertThat(again.output()).contains("already running");

    Result status = run("status");
    assertThat(status.code()).as(status.output()).isZero();
    assertThat(status.output()).contains("health:  ok").contains("claude:  " + FakeClaude.VERSION)
        .contains("warm:    0 CLI(s) alive (0 busy, 0 MiB), 0 warm turn(s)");

    Result menu = withInput("13\nhello from the menu\n\n5\nb\n0\n", "menu");
    assertThat(menu.output()).contains("server running").contains("Echo: hello from the menu").contains("(session ")
        .containsPattern("1  [0-9a-f-]{36}  active\\s+1\\s+\\$0\\.");

    Result json = run("--json", "status");
    assertThat(json.code()).isZero();
    com.fasterxml.jackson.databind.JsonNode statusJson = dev.ccs.core.json.Json.parse(json.output());
    long pid = statusJson.path("pid").asLong();
    assertThat(statusJson.path("running").asBoolean()).isTrue();
    assertThat(statusJson.at("/queue/concurrency").asInt()).isPositive();
    assertThat(statusJson.has("today_cost_usd")).isTrue();
    java.util.List<ProcessHandle> children = ProcessHandle.of(pid).orElseThrow().descendants().toList();

    Result stop = run("stop");
    assertThat(stop.output()).contains("stopped");
    assertThat(run("status").code()).isEqualTo(3);
    assertThat(Files.exists(temp.resolve("ccs").resolve("server.pid"))).isFalse();
    // No process is left: neither the server nor anything it started.
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(children).noneMatch(ProcessHandle::isAlive);
  }

  /**
   * Node defect #49: the TUI's start waited a fixed second for a pid file and trusted it for kill;
   * its uptime came from the log's mtime. Here start waits for /health, status reads the uptime
   * of the process itself, and after the server died a pid file naming another process (a reused
   * pid) is neither reported as running nor signalled.
   */
  @Test
  void nodeDefect49StartWaitsForHealthAndAReusedPidIsNeverSignalled() throws Exception {
    writeConfig();
    Result start = run("start");
    assertThat(start.code()).as(start.output()).isZero();
    Result status = run("--json", "status");
    com.fasterxml.jackson.databind.JsonNode json = dev.ccs.core.json.Json.parse(status.output());
    assertThat(json.path("health").path("status").asText()).isEqualTo("ok");
    ProcessHandle server = ProcessHandle.of(json.path("pid").asLong()).orElseThrow();
    assertThat(json.path("uptime_s").asLong()).isLessThan(120);
    assertThat(json.path("started_at").asText()).isEqualTo(server.info().startInstant().orElseThrow().toString());

    server.destroyForcibly();
    server.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(run("status").output()).contains("not running");

    Process other = new ProcessBuilder("sleep", "60").start();
    try {
      Files.writeString(temp.resolve("ccs").resolve("server.pid"), Long.toString(other.pid()));
      Result again = run("status");
      assertThat(again.code()).isEqualTo(3);
      assertThat(run("stop").output()).contains("not running");
      assertThat(other.isAlive()).as("the process that got the pid is left alone").isTrue();
    } finally {
      other.destroyForcibly();
    }
  }

  /** A server that cannot start (its port is taken): start says so, shows the log's end, exits 1. */
  @Test
  void aFailedStartShowsTheLogsLastLines() throws Exception {
    writeConfig();
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      run("config", "set", "port", Integer.toString(taken.getLocalPort()));
      Result start = run("start");
      assertThat(start.code()).isEqualTo(1);
      assertThat(start.output()).contains("could not start: the server exited").contains("the log ends:")
          .containsIgnoringCase("address already in use");
      assertThat(run("status").code()).isEqualTo(3);
    }
  }

  /** ccs logs -f prints what is appended (a line written in two parts once), and only the lines matching --grep. */
  @Test
  void followingTheLogPrintsWhatIsAppended() throws Exception {
    Path log = temp.resolve("follow.log");
    Files.writeString(log, "old line\n");
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread follower = new Thread(() -> {
      try {
        dev.ccs.cli.base.LogFile.follow(log, "keep", 10, () -> !seen.contains("keep two"), seen::add);
      } catch (Exception e) {
        seen.add("failed: " + e);
      }
    });
    follower.start();
    // Until the follower has started reading, what is written may fall before its start.
    while (seen.isEmpty()) {
      Files.writeString(log, "drop this\nkeep first\n", java.nio.file.StandardOpenOption.APPEND);
      Thread.sleep(20);
    }
    Files.writeString(log, "keep tw", java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(log, "o\n", java.nio.file.StandardOpenOption.APPEND);
    follower.join(10_000);
    assertThat(follower.isAlive()).isFalse();
    assertThat(seen.get(seen.size() - 1)).isEqualTo("keep two");
    assertThat(seen.subList(0, seen.size() - 1)).isNotEmpty().allMatch("keep first"::equals);
  }

  /** Node defect #10: the TUI searched the log through a shell; ccs logs --grep is Java, any text is text. */
  @Test
  void nodeDefect10LogSearchStartsNoShell() throws Exception {
    writeConfig();
    Path log = CcsConfig.defaults(temp.resolve("ccs")).logFile();
    Files.createDirectories(log.getParent());
    Path marker = temp.resolve("pwned");
    String hostile = "\"; touch " + marker + "; echo \"";
    Files.writeString(log, "first line\nsomething " + hostile + " inside\nERROR one\nlast line\n");

    Result found = run("logs", "--grep", hostile);
    assertThat(found.code()).isZero();
    assertThat(found.output().trim()).isEqualTo("something " + hostile + " inside");
    assertThat(marker).doesNotExist();
    assertThat(run("logs", "--grep", "error").output().trim()).isEqualTo("ERROR one");
    assertThat(run("logs", "-n", "2").output()).isEqualTo("ERROR one\nlast line\n");
    assertThat(run("logs", "-n", "0").code()).isEqualTo(2);
  }

  /** Node defect #50: the TUI saved the port as a string; ccs config set keeps each key's type. */
  @Test
  void nodeDefect50ThePortIsSavedAsANumber() throws Exception {
    writeConfig();
    Result set = run("config", "set", "port", "6123");
    assertThat(set.code()).as(set.output()).isZero();
    assertThat(set.output()).contains("takes effect at the next restart");
    com.fasterxml.jackson.databind.JsonNode file = dev.ccs.core.json.Json.parse(Files.readString(configFile));
    assertThat(file.path("port").isInt()).isTrue();
    assertThat(file.path("port").asInt()).isEqualTo(6123);
    assertThat(run("config", "get", "port").output().trim()).isEqualTo("6123");

    String before = Files.readString(configFile);
    Result bad = run("config", "set", "port", "99999");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.output()).contains("not saved").contains("port");
    assertThat(run("config", "set", "port", "six").output()).contains("\"six\" is not a number");
    assertThat(run("config", "set", "nosuchkey", "1").output()).contains("no config key nosuchkey");
    assertThat(Files.readString(configFile)).isEqualTo(before);
    String secret = "ccs_sk_" + "cd".repeat(32);
    assertThat(run("config", "set", "security.auth.secretKey", secret).output()).doesNotContain(secret).contains("HIDDEN");
    assertThat(run("config", "get", "security.auth.secretKey").output()).doesNotContain(secret).contains("HIDDEN");
    assertThat(run("config", "get", "security.auth.secretKey", "--reveal").output().trim()).isEqualTo(secret);
    assertThat(run("config", "validate").output()).contains("valid");
  }

  /**
   * Node defect #46: a config first written by the server lacked rateLimit, statistics, taskQueue,
   * defaultModel and maxBudgetUsd (so limits and statistics were off), unlike one written by the TUI.
   * The ccs command and the server (a child JVM) write the same new file, but for its secrets.
   */
  @Test
  void theServerAndTheCommandWriteTheSameNewConfig() throws Exception {
    Path byCommand = temp.resolve("command/config.json");
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    assertThat(Main.run(new String[] {"--config", byCommand.toString(), "config", "get", "port"}, Map.of(),
        new BufferedReader(new StringReader("")), new PrintStream(said, true, StandardCharsets.UTF_8))).isZero();

    Path byServer = temp.resolve("server/config.json");
    String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(jvm, "-cp", System.getProperty("java.class.path"),
        dev.ccs.httpd.Main.class.getName(), "--config", byServer.toString(), "--port", "0")
        .redirectErrorStream(true).redirectOutput(temp.resolve("server.log").toFile());
    builder.environment().keySet().removeIf(name -> name.equals("PORT") || name.equals("HOST")
        || name.startsWith("CCS_"));
    Process server = builder.start();
    try {
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
      while (!Files.readString(temp.resolve("server.log")).contains(" on http://") && System.nanoTime() < deadline) {
        assertThat(server.isAlive()).as(Files.readString(temp.resolve("server.log"))).isTrue();
        Thread.sleep(20);
      }
    } finally {
      server.destroy();
      server.waitFor();
    }

    com.fasterxml.jackson.databind.node.ObjectNode fromCommand = withoutSecrets(byCommand);
    com.fasterxml.jackson.databind.node.ObjectNode fromServer = withoutSecrets(byServer);
    assertThat(fromServer).isEqualTo(fromCommand);
    for (String key : java.util.List.of("/rateLimit/enabled", "/statistics/enabled", "/taskQueue/concurrency",
        "/defaultModel", "/maxBudgetUsd")) {
      assertThat(fromServer.at(key).isMissingNode()).as(key).isFalse();
    }
    assertThat(fromServer.at("/rateLimit/enabled").asBoolean()).isTrue();
    assertThat(fromServer.at("/statistics/enabled").asBoolean()).isTrue();
  }

  /** A new config's JSON with its generated secrets taken out and its own directory written as DIR. */
  private static com.fasterxml.jackson.databind.node.ObjectNode withoutSecrets(Path file) throws Exception {
    String text = Files.readString(file).replace(file.getParent().toString(), "DIR");
    var json = (com.fasterxml.jackson.databind.node.ObjectNode) dev.ccs.core.json.Json.parse(text);
    assertThat(json.at("/security/auth/secretKey").asText()).startsWith("ccs_sk_");
    ((com.fasterxml.jackson.databind.node.ObjectNode) json.at("/security/auth")).remove("secretKey");
    assertThat(json.at("/webhook/secret").asText()).startsWith("whsec_");
    ((com.fasterxml.jackson.databind.node.ObjectNode) json.at("/webhook")).remove("secret");
    return json;
  }

  /** ccs docs says where the docs are, and that the page will ask for a key when the server wants one. */
  @Test
  void docsSayWhetherAKeyIsNeeded() throws Exception {
    writeConfig();
    Result open = run("docs");
    assertThat(open.output()).contains("Swagger UI: http://127.0.0.1:").contains("/api-docs\n")
        .doesNotContain("API key");
    CcsConfig guarded = dev.ccs.core.config.ConfigLoader.load(configFile, Map.of()).config().toBuilder()
        .security(dev.ccs.core.config.SecurityConfig.DEFAULT.withAuth(
            new dev.ccs.core.config.AuthConfig(true, "ccs_sk_" + "ab".repeat(32), true))).build();
    ConfigLoader.write(configFile, guarded);
    assertThat(run("docs").output()).contains("/api-docs  (the page asks for an API key)");
    assertThat(dev.ccs.core.json.Json.parse(run("--json", "docs").output()).path("key_needed").asBoolean()).isTrue();
    assertThat(run("config", "set", "security.swaggerDocs.public", "true").code()).isZero();
    assertThat(run("docs").output()).doesNotContain("API key");
  }

  @Test
  void aStalePidFileOfAnotherProcessIsNotTrusted() throws Exception {
    writeConfig();
    Process other = new ProcessBuilder("sleep", "60").start();
    try {
      Files.writeString(temp.resolve("ccs").resolve("server.pid"), Long.toString(other.pid()));

      assertThat(run("status").code()).isEqualTo(3);
      assertThat(run("stop").output()).contains("not running");
      assertThat(other.isAlive()).isTrue();
    } finally {
      other.destroyForcibly();
    }
  }

  @Test
  void menuQuitsAtEndOfInputAndRejectsUnknownChoices() throws Exception {
    writeConfig();

    Result menu = withInput("99\n", "menu");

    assertThat(menu.code()).isZero();
    assertThat(menu.output()).contains("unknown choice: 99").contains("server not running");
  }

  @Test
  void badArguments() throws Exception {
    writeConfig();
    assertThat(run("frobnicate").code()).isEqualTo(2);
  }

  /** Issue 12: the Node TUI showed the key derived from secretKey; so does ccs keys show-legacy. */
  @Test
  void keysShowLegacyPrintsTheNodeServersKey() throws Exception {
    configFile = temp.resolve("legacy.json");
    String secret = "ccs_sk_" + "ab".repeat(32);
    java.nio.file.Files.writeString(configFile, "{\"security\": {\"auth\": {\"enabled\": true, \"secretKey\": \""
        + secret + "\"}}, \"dataDir\": \"" + temp.resolve("legacy-data") + "\"}");
    Result shown = run("keys", "show-legacy");
    assertThat(shown.code()).isZero();
    assertThat(shown.output().trim()).isEqualTo(dev.ccs.core.auth.ApiKeys.legacyKey(secret)).startsWith("ccs_ak_");
    assertThat(run("keys").code()).isEqualTo(2);
    configFile = null;
  }
}
