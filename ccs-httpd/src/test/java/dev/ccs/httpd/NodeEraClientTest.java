package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.auth.ApiKeys;
import dev.ccs.core.config.AuthConfig;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.SecurityConfig;
import dev.ccs.core.config.WebhookConfig;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.WebhookReceiver;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client script written for the Node server (its README's curl calls, {@code node-era-client.sh})
 * run unchanged against ccs, with the Node server's API key derived from the same secret.
 */
@Timeout(120)
class NodeEraClientTest {

  private static final String SECRET = "ccs_sk_" + "3".repeat(64);

  @TempDir
  Path temp;

  @Test
  void theNodeServersClientScriptPassesUnchanged() throws Exception {
    assertThat(Path.of("/usr/bin/curl")).as("curl runs the Node-era script").exists();
    FakeClaude fake = FakeClaude.create(temp);
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .security(SecurityConfig.DEFAULT.withAuth(new AuthConfig(true, SECRET, true)))
        .webhook(new WebhookConfig(false, null, Duration.ofSeconds(5), 1, "whsec_test", true)).build();
    Path project = Files.createDirectories(config.workspacePath().resolve("project"));
    Path script = temp.resolve("node-era-client.sh");
    try (InputStream in = getClass().getResourceAsStream("/node-era-client.sh")) {
      Files.write(script, in.readAllBytes());
    }
    try (TestServer server = TestServer.start(config); WebhookReceiver receiver = WebhookReceiver.start()) {
      ProcessBuilder builder = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true);
      builder.environment().put("BASE", "http://127.0.0.1:" + server.port());
      builder.environment().put("API_KEY", ApiKeys.legacyKey(SECRET));
      builder.environment().put("PROJECT", project.toString());
      builder.environment().put("HOOK", receiver.url("/hook"));
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(output).isZero();
      assertThat(output).endsWith("all Node-era calls passed\n");
      // The webhook named in the task's metadata (where the Node server read it) is called.
      assertThat(receiver.take("task.started").body()).contains("Nightly review");
    }
  }
}
