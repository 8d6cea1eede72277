package dev.ccs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.testkit.FakeClaude;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each example runs as its own JVM, as a user would run it, against the fake CLI. */
@Timeout(120)
class ExamplesSmokeTest {

  @TempDir
  Path temp;

  @Test
  void sendPrompt() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);

    String output = runMain(SendPromptMain.class, fake.executable().toString(), "hello examples");

    assertThat(output).contains("Echo: hello examples").contains("session ").contains("$0.001");
  }

  @Test
  void streamEvents() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);

    String output = runMain(StreamEventsMain.class, fake.executable().toString(), "stream please");

    assertThat(output).contains("[init] model claude-fake-1").contains("[assistant] Echo: stream please")
        .contains("[result] $0.001").contains("status: SUCCEEDED");
  }

  @Test
  void sessions() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);

    String output = runMain(SessionsMain.class, fake.executable().toString());

    assertThat(output).contains("turn 1: Echo: Remember the number 42.")
        .contains("turn 2: Echo: Which number did I ask you to remember?")
        .contains("turn 3 (streamed): Echo: Count to three.").containsPattern("session [0-9a-f-]{36}: 3 turns");
  }

  @Test
  void warmSessions() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);

    String output = runMain(WarmSessionsMain.class, fake.executable().toString());

    assertThat(output).contains("Remember the number 42. -> Echo: Remember the number 42.")
        .contains("And halve that? -> Echo: And halve that?").containsPattern("warm CLI pid [0-9]+ served 3 turns")
        .contains("pool: 1 process(es), 2 warm and 1 cold turn(s)").contains("after a cold turn: no warm CLI");
    // One CLI for the three warm turns (started with --input-format stream-json), one cold run after.
    assertThat(fake.invocations()).hasSize(2);
    assertThat(fake.invocations().get(0).args()).contains("--input-format=stream-json");
  }

  @Test
  void providers() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);

    String output = runMain(ProvidersMain.class, fake.executable().toString());

    assertThat(output).contains("ran on primary: Echo: Request number 1").contains("ran on secondary")
        .contains("primary: weight 3, 3 request(s), 3 bound session(s)")
        .contains("secondary: weight 1, 1 request(s), 1 bound session(s)");
  }

  @Test
  void openAiFace() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);

    String output = runMain(OpenAiFaceMain.class, fake.executable().toString());

    assertThat(output).contains("> What is a JVM?").contains("Echo: What is a JVM?").contains("> And what is a JIT?");
    // The second turn continued the first one's session with only its new question.
    java.util.regex.Matcher sessions = java.util.regex.Pattern.compile("session ([0-9a-f-]{36})").matcher(output);
    assertThat(sessions.find()).isTrue();
    String first = sessions.group(1);
    assertThat(sessions.find()).isTrue();
    assertThat(sessions.group(1)).isEqualTo(first);
    assertThat(output).contains("Echo: And what is a JIT?");
  }

  @Test
  void queueTasks() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);

    String output = runMain(QueueTasksMain.class, fake.executable().toString(), "first task", "second task");

    assertThat(output).contains("(priority 1): completed -> Echo: first task")
        .contains("(priority 2): completed -> Echo: second task")
        .contains("webhook task.completed, signature verified").doesNotContain("INVALID");
  }

  @Test
  void httpServer() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path configFile = temp.resolve("ccs").resolve("config.json");
    ConfigLoader.write(configFile, CcsConfig.defaults(temp.resolve("ccs")).toBuilder().port(port)
        .claudePath(fake.executable().toString()).build());
    Process process = start(HttpServerMain.class, configFile.toString());
    try {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> response = null;
      for (int i = 0; i < 300 && response == null; i++) {
        try {
          response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/messages"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"over http\"}")).build(),
              HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
          Thread.sleep(100);
        }
      }
      assertThat(response).isNotNull();
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("Echo: over http");
    } finally {
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private String runMain(Class<?> main, String... args) throws Exception {
    Process process = start(main, args);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    process.getInputStream().transferTo(out);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(text).isZero();
    return text;
  }

  private Process start(Class<?> main, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).directory(temp.toFile()).redirectErrorStream(true).start();
  }

}
