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
        .claudePath(fake.executable().toString()).build();
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
    assertThat(status.output()).contains("health:  ok").contains("claude:  " + FakeClaude.VERSION);

    Result menu = withInput("13\nhello from the menu\n\n5\nb\n0\n", "menu");
    assertThat(menu.output()).contains("server running").contains("Echo: hello from the menu").contains("(session ")
        .containsPattern("1  [0-9a-f-]{36}  active\\s+1\\s+\\$0\\.");

    Result stop = run("stop");
    assertThat(stop.output()).contains("stopped");
    assertThat(run("status").code()).isEqualTo(3);
    assertThat(Files.exists(temp.resolve("ccs").resolve("server.pid"))).isFalse();
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
