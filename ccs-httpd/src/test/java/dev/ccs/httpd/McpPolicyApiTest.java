package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.auth.ApiKeys;
import dev.ccs.core.config.AuthConfig;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.McpConfig;
import dev.ccs.core.config.SecurityConfig;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a request may ask of the CLI beyond the defaults: MCP configs only from the operator's list
 * (inline JSON only when allowed, through a private temporary file), permission modes only from
 * {@code security.allowedPermissionModes}, and escalations only with the admin scope. Node defect
 * #1 (clients chose any {@code mcp_config} path and {@code bypassPermissions}) is shown absent.
 */
@Timeout(120)
class McpPolicyApiTest {

  private static final String SECRET = "ccs_sk_mcp-policy-test-secret-0123";

  @TempDir
  Path temp;

  private FakeClaude fake;
  private TestServer server;
  private Path github;

  @BeforeEach
  void setUp() throws Exception {
    fake = FakeClaude.create(temp);
    github = Files.writeString(temp.resolve("github.json"), "{\"mcpServers\":{\"github\":{\"command\":\"gh-mcp\","
        + "\"env\":{\"GITHUB_TOKEN\":\"ghp_secret123\"}},\"docs\":{\"type\":\"sse\",\"url\":\"http://127.0.0.1:9/s?k=1\"}}}");
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private CcsConfig config(boolean allowRequestConfig) {
    return TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .mcp(new McpConfig(false, null, true, allowRequestConfig, Map.of("github", github))).build();
  }

  @Test
  void aRequestNamesOnlyConfigsTheOperatorListed() {
    server = TestServer.start(config(false));

    assertThat(server.post("/api/messages", "{\"prompt\":\"x\",\"mcp_config\":\"github\"}").status()).isEqualTo(200);
    assertThat(fake.takeInvocation().args()).contains("--mcp-config=" + github, "--strict-mcp-config");
    assertThat(server.post("/api/messages", "{\"prompt\":\"x\",\"mcp_config\":\"" + github + "\"}").status())
        .isEqualTo(200);
    assertThat(fake.takeInvocation().args()).contains("--mcp-config=" + github);

    TestServer.Reply other = server.post("/api/messages", "{\"prompt\":\"x\",\"mcp_config\":\"/tmp/evil.json\"}");
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.json().path("code").asText()).isEqualTo("mcp_config_not_allowed");
    assertThat(other.json().path("error").asText()).contains("github");
    TestServer.Reply inline = server.post("/api/messages",
        "{\"prompt\":\"x\",\"mcp_config\":{\"mcpServers\":{\"sh\":{\"command\":\"sh\"}}}}");
    assertThat(inline.status()).isEqualTo(403);
    assertThat(fake.invocationCount()).isEqualTo(2);
  }

  @Test
  void inlineJsonGoesThroughAPrivateFileRemovedAfterTheRun() throws Exception {
    server = TestServer.start(config(true));
    fake.enqueue(FakeReply.script().gate("mcp").emulate());
    String config = "{\"mcpServers\":{\"api\":{\"command\":\"api-mcp\",\"env\":{\"TOKEN\":\"tok_inline_42\"}}}}";
    CompletableFuture<TestServer.Reply> reply = CompletableFuture.supplyAsync(() -> server.post("/api/async/messages",
        "{\"prompt\":\"x\",\"mcp_config\":" + config + "}"));
    fake.awaitGate("mcp", 1);
    String arg = fake.invocations().get(0).args().stream().filter(a -> a.startsWith("--mcp-config=")).findFirst()
        .orElseThrow();
    Path file = Path.of(arg.substring("--mcp-config=".length()));
    // The tokens are in a file of this user's, not in the command line that every user can read.
    assertThat(fake.invocations().get(0).args()).noneMatch(a -> a.contains("tok_inline_42"));
    assertThat(file).startsWith(temp.resolve("home/data/tmp"));
    assertThat(Files.readString(file)).isEqualTo(config);
    assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
        java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    fake.release("mcp");

    String taskId = reply.get().json().path("task_id").asText();
    JsonNode task = awaitTask(taskId);
    assertThat(task.path("status").asText()).isEqualTo("completed");
    assertThat(file).doesNotExist();
    // The stored task runs it; the API never shows it.
    assertThat(task.toString()).doesNotContain("tok_inline_42");
    assertThat(server.get("/api/tasks").text()).contains(taskId).doesNotContain("tok_inline_42");

    TestServer.Reply malformed = server.post("/api/messages", "{\"prompt\":\"x\",\"mcp_config\":\"{\\\"servers\\\":1}\"}");
    assertThat(malformed.status()).isEqualTo(400);
  }

  @Test
  void permissionModesAreLimitedToTheConfiguredOnes() {
    server = TestServer.start(config(false).toBuilder().security(SecurityConfig.DEFAULT.toBuilder()
        .allowedPermissionModes(List.of("default", "plan")).build()).build());
    assertThat(server.post("/api/messages", "{\"prompt\":\"x\",\"permission_mode\":\"plan\"}").status()).isEqualTo(200);
    TestServer.Reply refused = server.post("/api/messages", "{\"prompt\":\"x\",\"permission_mode\":\"acceptEdits\"}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().path("code").asText()).isEqualTo("permission_mode_not_allowed");
    assertThat(fake.invocationCount()).isEqualTo(1);
  }

  @Test
  void aKeyWithScopesCannotEscalate() {
    server = TestServer.start(config(false).toBuilder().allowDangerouslySkipPermissions(true)
        .security(SecurityConfig.DEFAULT.withAuth(new AuthConfig(true, SECRET, true))).build());
    String legacy = ApiKeys.legacyKey(SECRET);
    String runner = server.send(HttpRequest.newBuilder(server.uri("/api/keys")).header("Authorization", "Bearer "
        + legacy).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
        "{\"name\":\"ci\",\"scopes\":[\"run\"]}"))).json().path("api_key").asText();

    for (String body : List.of("{\"prompt\":\"x\",\"permission_mode\":\"bypassPermissions\"}",
        "{\"prompt\":\"x\",\"mcp_config\":\"github\"}")) {
      TestServer.Reply refused = server.send(HttpRequest.newBuilder(server.uri("/api/messages"))
          .header("Authorization", "Bearer " + runner).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)));
      assertThat(refused.status()).as(body).isEqualTo(403);
      assertThat(refused.json().path("code").asText()).isEqualTo("escalation_needs_admin");
      TestServer.Reply admin = server.send(HttpRequest.newBuilder(server.uri("/api/messages"))
          .header("Authorization", "Bearer " + legacy).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)));
      assertThat(admin.status()).as(body).isEqualTo(200);
    }
  }

  @Test
  void theMcpListShowsNamesAndTransportsButNoSecrets() throws Exception {
    Path main = Files.writeString(temp.resolve("main.json"), "{\"mcpServers\":{\"fs\":{\"command\":\"fs-mcp\","
        + "\"args\":[\"--root\",\"/srv\"]}}}");
    server = TestServer.start(config(false).toBuilder().mcp(new McpConfig(true, main, false, false,
        Map.of("github", github, "missing", temp.resolve("nope.json")))).build());
    JsonNode body = server.get("/api/mcp").json();
    assertThat(body.path("enabled").asBoolean()).isTrue();
    assertThat(body.path("configs")).hasSize(3);
    assertThat(body.at("/configs/0/name").asText()).isEqualTo("default");
    assertThat(body.at("/configs/0/servers/0").toString()).isEqualTo("{\"name\":\"fs\",\"transport\":\"stdio\"}");
    assertThat(body.at("/configs/1/servers").toString())
        .isEqualTo("[{\"name\":\"github\",\"transport\":\"stdio\"},{\"name\":\"docs\",\"transport\":\"sse\"}]");
    assertThat(body.at("/configs/2/problem").asText()).isEqualTo("file not found");
    assertThat(body.toString()).doesNotContain("ghp_secret123", "gh-mcp", "/srv", "127.0.0.1:9", temp.toString());
  }

  private JsonNode awaitTask(String id) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      JsonNode task = server.get("/api/tasks/" + id).json().path("task");
      if (List.of("completed", "failed", "cancelled").contains(task.path("status").asText())) {
        return task;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("task " + id + " did not finish");
  }
}
