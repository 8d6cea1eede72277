package dev.ccs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The menu as a person sees it: {@code java -jar ccs-cli.jar} in a real terminal (tmux, on a
 * private socket), driven with {@code send-keys} and read with {@code capture-pane}. The captures
 * are written to {@code target/menu-terminal.txt}.
 */
@Timeout(120)
class MenuTerminalTest {

  @TempDir
  Path temp;

  private final String socket = "ccs-test-" + ProcessHandle.current().pid();
  private final StringBuilder captures = new StringBuilder();

  @AfterEach
  void killTmux() throws Exception {
    tmux("kill-server");
    Files.writeString(Path.of("target", "menu-terminal.txt"), captures.toString());
  }

  private String tmux(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return output;
  }

  /** Types a line, then waits until the screen shows {@code expected}; returns the screen. */
  private String type(String line, String expected) throws Exception {
    if (line != null) {
      tmux("send-keys", "-t", "menu", "-l", line);
      tmux("send-keys", "-t", "menu", "Enter");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String screen = "";
    while (System.nanoTime() < deadline) {
      screen = tmux("capture-pane", "-p", "-t", "menu");
      // What the line typed brought: the screen after its echo at a prompt ("> 4" or "...: 2345").
      int echo = line == null ? 0 : Math.max(Math.max(screen.lastIndexOf("> " + line + "\n"),
          screen.lastIndexOf(": " + line + "\n")), screen.lastIndexOf("] " + line + "\n"));
      if (echo >= 0 && screen.indexOf(expected, echo) >= 0) {
        captures.append("$ ").append(line == null ? "(start)" : line).append("\n").append(screen.stripTrailing())
            .append("\n\n");
        return screen;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the terminal never showed \"" + expected + "\"; it shows:\n" + screen);
  }

  @Test
  void theMenuInARealTerminal() throws Exception {
    assertThat(Path.of("/usr/bin/tmux")).as("tmux drives the terminal").exists();
    Path config = temp.resolve("ccs").resolve("config.json");
    ConfigLoader.write(config, CcsConfig.defaults(temp.resolve("ccs")).toBuilder().port(1).build());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    tmux("new-session", "-d", "-s", "menu", "-x", "110", "-y", "40", java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--config", config.toString());

    String home = type(null, "13) test a prompt");
    assertThat(home).contains("server not running").contains(" 1) start").contains("11) configuration");

    String status = type("4", "server:  not running");
    assertThat(status).contains("config:  " + config);

    String configuration = type("11", "7) providers and load balancing");
    assertThat(configuration).contains("1) server").contains("6) security");
    String server = type("1", "sessionRetentionDays");
    assertThat(server).containsPattern("1\\) port\\s+1").contains("2) host").contains("127.0.0.1");
    String refused = type("1", "new value for port");
    assertThat(refused).contains("needs a restart");
    String invalid = type("70000", "not saved");
    assertThat(invalid).contains("port");
    type("2345", "port = 2345");
    type("b", "8) edit the file in $EDITOR");
    type("b", "13) test a prompt");
    String sessions = type("5", "start it now? [y/N]");
    assertThat(sessions).contains("the server is not running.");
    type("n", "13) test a prompt");
    tmux("send-keys", "-t", "menu", "0", "Enter");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (tmux("has-session", "-t", "menu").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(tmux("has-session", "-t", "menu")).as("the menu ended at 0").isNotEmpty();
    assertThat(Files.readString(config)).contains("\"port\" : 2345");
  }
}
