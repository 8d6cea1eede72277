package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.MockAnthropic;
import dev.ccs.testkit.RealClaude;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code allowDangerouslySkipPermissions} with the real CLI: without it a tool that changes files is
 * denied; with it the run skips the permission checks (also as root, where the CLI needs
 * {@code IS_SANDBOX=1}) and the tool runs.
 */
@Tag("real-cli")
@Timeout(180)
class RealClaudePermissionsTest {

  @TempDir
  Path temp;

  private MockAnthropic mock;
  private TestServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    if (mock != null) {
      mock.close();
    }
  }

  private TestServer.Reply touch(boolean allowSkip, Path marker, String permissionMode) {
    mock = MockAnthropic.start();
    CcsConfig config = TestServer.config(temp.resolve("ccs"), RealClaude.executable()).toBuilder()
        .allowDangerouslySkipPermissions(allowSkip).build();
    server = TestServer.start(config, RealClaude.environment(temp.resolve("home"), mock), b -> b);
    var body = Json.object().put("prompt", "make the file [[mock:bash=touch " + marker + "]]");
    if (permissionMode != null) {
      body.put("permission_mode", permissionMode);
    }
    return server.post("/api/messages", body.toString());
  }

  @Test
  void withoutTheOperatorsConsentAToolThatWritesIsDenied() {
    Path marker = temp.resolve("denied");
    TestServer.Reply reply = touch(false, marker, null);

    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(marker).doesNotExist();
    assertThat(reply.json().path("permission_denials").size()).isPositive();
  }

  @Test
  void allowDangerouslySkipPermissionsSkipsTheChecksForEveryRun() {
    Path marker = temp.resolve("skipped");
    TestServer.Reply reply = touch(true, marker, null);

    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(marker).exists();
    assertThat(reply.json().path("permission_denials").size()).isZero();
  }

  @Test
  void aRequestsOwnPermissionModeWinsOverTheSkip() {
    Path marker = temp.resolve("planned");
    TestServer.Reply reply = touch(true, marker, "plan");

    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(marker).doesNotExist();
  }
}
