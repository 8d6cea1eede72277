package dev.ccs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.cli.base.ApiClient;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.testkit.FakeClaude;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ccs serve}, as systemd runs it: in the foreground until SIGTERM, then a clean exit (0). */
@Timeout(120)
class ServeTest {

  @TempDir
  Path temp;

  @Test
  void serveRunsInTheForegroundAndExitsCleanlyOnSigterm() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CcsConfig config = CcsConfig.defaults(temp.resolve("ccs")).toBuilder().port(port)
        .claudePath(fake.executable().toString()).build();
    Path file = temp.resolve("ccs").resolve("config.json");
    ConfigLoader.write(file, config);
    Process serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "--config", file.toString(), "serve")
        .redirectErrorStream(true).redirectOutput(temp.resolve("serve.log").toFile()).start();
    try {
      ApiClient api = new ApiClient(config);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      boolean healthy = false;
      while (!healthy && System.nanoTime() < deadline && serve.isAlive()) {
        try {
          healthy = api.call("GET", "/health").ok();
        } catch (ApiClient.Unreachable e) {
          Thread.sleep(100);
        }
      }
      assertThat(healthy).as("serve answers /health").isTrue();
      assertThat(api.call("POST", "/api/messages", dev.ccs.core.json.Json.object().put("prompt", "served"),
          java.time.Duration.ofSeconds(60)).body().path("result").asText()).isEqualTo("Echo: served");

      serve.destroy(); // SIGTERM
      assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(serve.exitValue()).isZero();
    } finally {
      serve.destroyForcibly();
    }
  }
}
