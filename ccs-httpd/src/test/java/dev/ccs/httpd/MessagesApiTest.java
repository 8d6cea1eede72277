package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.AuthConfig;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ExecutionConfig;
import dev.ccs.core.config.HttpConfig;
import dev.ccs.core.config.McpConfig;
import dev.ccs.core.config.SecurityConfig;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import dev.ccs.testkit.Invocation;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class MessagesApiTest {

  @TempDir
  Path temp;

  private FakeClaude fake;
  private TestServer server;

  @BeforeEach
  void setUp() {
    fake = FakeClaude.create(temp);
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private CcsConfig config() {
    return TestServer.config(temp.resolve("home"), fake.executable());
  }

  private TestServer start(CcsConfig config) {
    server = TestServer.start(config);
    return server;
  }

  @Test
  void healthReportsTheCli() throws Exception {
    start(config());

    JsonNode health = server.get("/health").json();

    assertThat(health.path("status").asText()).isEqualTo("ok");
    assertThat(health.path("uptime").isNumber()).isTrue();
    assertThat(health.path("timestamp").asText()).isNotBlank();
    assertThat(health.path("version").asText()).isNotBlank();
    assertThat(health.at("/claude/available").asBoolean()).isTrue();
    assertThat(health.at("/claude/version").asText()).isEqualTo(FakeClaude.VERSION);
    assertThat(health.at("/claude/path").asText()).isEqualTo(fake.executable().toString());
    // The server runs in this JVM: its resident set is this process's, as the kernel reports it.
    long vmRss = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
        .filter(line -> line.startsWith("VmRSS:")).mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
        .findFirst().orElseThrow() * 1024;
    assertThat(health.at("/memory/rss").asLong()).isBetween(vmRss / 2, vmRss * 2);
    assertThat(health.at("/memory/heap_used").asLong()).isPositive();
  }

  @Test
  void withoutTheCliHealthAndMessagesSayWhatIsMissing() {
    start(config().toBuilder().claudePath("claude-not-installed-here").build());

    TestServer.Reply health = server.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("status").asText()).isEqualTo("degraded");
    assertThat(health.json().at("/claude/available").asBoolean()).isFalse();
    assertThat(health.json().at("/claude/error").asText()).contains("\"claude-not-installed-here\" not found on the server's PATH")
        .contains("npm install -g @anthropic-ai/claude-code");

    TestServer.Reply reply = server.post("/api/messages", "{\"prompt\":\"hi\"}");
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.json().path("success").asBoolean()).isFalse();
    assertThat(reply.json().path("code").asText()).isEqualTo("cli_unavailable");
    assertThat(reply.json().path("error").asText()).contains("claude-not-installed-here").contains("npm install");
  }

  @Test
  void sendsThePromptAndAnswersInTheNodeServersShape() {
    start(config());

    TestServer.Reply reply = server.post("/api/messages",
        "{\"prompt\":\"What is 2+2?\",\"model\":\"claude-sonnet-4-5\",\"system_prompt\":\"be terse\","
            + "\"allowed_tools\":[\"Read\",\"Bash(git:*)\"],\"max_budget_usd\":2}");

    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    JsonNode body = reply.json();
    assertThat(body.path("success").asBoolean()).isTrue();
    assertThat(body.path("result").asText()).isEqualTo("Echo: What is 2+2?");
    assertThat(body.path("duration_ms").isIntegralNumber()).isTrue();
    assertThat(body.path("cost_usd").decimalValue()).isEqualByComparingTo("0.001");
    assertThat(UUID.fromString(body.path("session_id").asText())).isNotNull();
    assertThat(body.at("/usage/input_tokens").asInt()).isEqualTo(10);
    assertThat(body.at("/usage/output_tokens").asInt()).isEqualTo(5);

    Invocation call = fake.takeInvocation();
    assertThat(call.stdin()).isEqualTo("What is 2+2?");
    assertThat(call.args()).containsExactly("-p", "--output-format=json", "--session-id=" + body.path("session_id").asText(),
        "--model=claude-sonnet-4-5", "--system-prompt=be terse", "--max-budget-usd=2", "--allowedTools=Read,Bash(git:*)");
    assertThat(call.cwd()).isEqualTo(temp.resolve("home/workspace"));
    assertThat(call.env()).containsEntry("DISABLE_AUTOUPDATER", "1");
  }

  @Test
  void aGivenSessionIsResumedAndCostIsPerRun() {
    start(config());
    String sessionId = server.post("/api/messages", "{\"prompt\":\"one\"}").json().path("session_id").asText();

    TestServer.Reply second = server.post("/api/messages", "{\"prompt\":\"two\",\"session_id\":\"" + sessionId + "\"}");

    assertThat(second.status()).as(second.text()).isEqualTo(200);
    assertThat(second.json().path("session_id").asText()).isEqualTo(sessionId);
    assertThat(second.json().path("cost_usd").decimalValue()).isEqualByComparingTo("0.001");
    assertThat(second.json().path("total_cost_usd").decimalValue()).isEqualByComparingTo("0.002");
    fake.takeInvocation();
    assertThat(fake.takeInvocation().args()).contains("--resume=" + sessionId);
  }

  @Test
  void validationMessagesFollowTheNodeServer() {
    start(config());

    assertError(server.post("/api/messages", "{}"), 400, "\"prompt\" is required");
    assertError(server.post("/api/messages", "{\"prompt\":\"\"}"), 400, "\"prompt\" is not allowed to be empty");
    assertError(server.post("/api/messages", "{\"prompt\":5}"), 400, "\"prompt\" must be a string");
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"foo\":1}"), 400, "\"foo\" is not allowed");
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"max_budget_usd\":-1}"), 400,
        "\"max_budget_usd\" must be greater than or equal to 0");
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"priority\":11}"), 400,
        "\"priority\" must be less than or equal to 10");
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"allowed_tools\":\"Read\"}"), 400,
        "\"allowed_tools\" must be an array");
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"allowed_tools\":[1]}"), 400,
        "\"allowed_tools[0]\" must be a string");
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"permission_mode\":\"yolo\"}"), 400,
        "\"permission_mode\" must be one of [default, acceptEdits, plan, dontAsk, bypassPermissions]");
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"webhook_url\":\"not a url\"}"), 400,
        "\"webhook_url\" must be a valid uri");
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"session_id\":\"../../etc/passwd\"}"), 400,
        "\"session_id\" must be a valid GUID");
    assertThat(fake.invocationCount()).isZero();
  }

  @Test
  void badBodiesGetClearClientErrors() {
    start(config().toBuilder().http(HttpConfig.DEFAULT.toBuilder().maxBodyBytes(4096).build()).build());

    TestServer.Reply malformed = server.post("/api/messages", "{\"prompt\": ");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().path("code").asText()).isEqualTo("malformed_json");

    TestServer.Reply array = server.post("/api/messages", "[1,2]");
    assertError(array, 400, "Request body must be a JSON object");

    TestServer.Reply wrongType = server.send(HttpRequest.newBuilder(server.uri("/api/messages"))
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("prompt=hi")));
    assertThat(wrongType.status()).isEqualTo(415);
    assertThat(wrongType.json().path("code").asText()).isEqualTo("unsupported_media_type");

    TestServer.Reply huge = server.post("/api/messages", "{\"prompt\":\"" + "x".repeat(10_000) + "\"}");
    assertThat(huge.status()).isEqualTo(413);
    assertThat(huge.json().path("success").asBoolean()).isFalse();
    assertThat(fake.invocationCount()).isZero();
  }

  @Test
  void unknownRoutesAndMethodsAreJson() {
    start(config());

    TestServer.Reply notFound = server.get("/nope");
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.header("Content-Type")).startsWith("application/json");
    assertThat(notFound.json().path("code").asText()).isEqualTo("not_found");

    TestServer.Reply wrongMethod = server.get("/api/messages");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.header("Allow")).isEqualTo("POST");
    assertThat(wrongMethod.json().path("success").asBoolean()).isFalse();
  }

  @Test
  void cliErrorResultIs502WithDetails() {
    start(config());
    String sid = UUID.randomUUID().toString();
    fake.enqueue(FakeReply.script().line("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,"
        + "\"api_error_status\":529,\"result\":\"API Error: 529 overloaded\",\"session_id\":\"" + sid + "\","
        + "\"total_cost_usd\":0,\"num_turns\":1,\"terminal_reason\":\"api_error\"}").exitCode(1));

    TestServer.Reply reply = server.post("/api/messages", "{\"prompt\":\"x\"}");

    assertThat(reply.status()).isEqualTo(502);
    JsonNode body = reply.json();
    assertThat(body.path("success").asBoolean()).isFalse();
    assertThat(body.path("error").asText()).isEqualTo("API Error: 529 overloaded");
    assertThat(body.path("code").asText()).isEqualTo("api_error");
    assertThat(body.at("/details/api_error_status").asInt()).isEqualTo(529);
    assertThat(body.at("/details/exit_code").asInt()).isEqualTo(1);
    assertThat(body.at("/details/subtype").asText()).isEqualTo("success");
  }

  @Test
  void crashIs502() {
    start(config());
    fake.enqueue(FakeReply.script().stderr("Error: Invalid MCP configuration").exitCode(1));

    TestServer.Reply reply = server.post("/api/messages", "{\"prompt\":\"x\"}");

    assertThat(reply.status()).isEqualTo(502);
    assertThat(reply.json().path("code").asText()).isEqualTo("cli_crashed");
    assertThat(reply.json().path("error").asText()).endsWith("Error: Invalid MCP configuration");
  }

  @Test
  void timeoutIs504AndTheProcessIsGone() {
    start(config().toBuilder().execution(ExecutionConfig.of(Duration.ofMillis(1500), Duration.ofSeconds(1))).build());
    fake.enqueue(FakeReply.script().hang());

    TestServer.Reply reply = server.post("/api/messages", "{\"prompt\":\"x\"}");

    assertThat(reply.status()).isEqualTo(504);
    assertThat(reply.json().path("code").asText()).isEqualTo("timeout");
    assertThat(dev.ccs.core.process.Processes.isRunning(fake.takeInvocation().pid())).isFalse();
  }

  /**
   * Node defect #2: any absolute path or {@code ..} was accepted as the working directory, and
   * created. Outside the roots (directly, by {@code ..} or through a link) is 403, and nothing is made.
   */
  @Test
  void workingDirectoriesAreConfinedToTheRoots() throws Exception {
    start(config());
    Path workspace = temp.resolve("home/workspace");
    Files.createDirectories(workspace);
    Files.createSymbolicLink(workspace.resolve("escape"), Path.of("/etc"));

    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"project_path\":\"/etc\"}"), 403, null);
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"project_path\":\"../../..\"}"), 403, null);
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"project_path\":\"escape\"}"), 403, null);
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"project_path\":\"escape/sub\"}"), 403, null);
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"project_path\":\"../made-by-a-client\"}"), 403,
        null);
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"project_path\":\"" + temp.resolve("made-too")
        + "\"}"), 403, null);
    assertThat(fake.invocationCount()).isZero();
    assertThat(temp.resolve("home/made-by-a-client")).doesNotExist();
    assertThat(temp.resolve("made-too")).doesNotExist();
    assertThat(Path.of("/etc/sub")).doesNotExist();

    TestServer.Reply ok = server.post("/api/messages", "{\"prompt\":\"x\",\"project_path\":\"proj/a\"}");
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
    assertThat(fake.takeInvocation().cwd()).isEqualTo(workspace.resolve("proj/a").toRealPath());
  }

  /** Node defect #1: a client could lift permission checks and hand the CLI any MCP config. */
  @Test
  void permissionBypassAndRequestMcpConfigNeedTheOperator() {
    start(config());

    TestServer.Reply bypass = server.post("/api/messages", "{\"prompt\":\"x\",\"permission_mode\":\"bypassPermissions\"}");
    assertThat(bypass.status()).isEqualTo(403);
    assertThat(bypass.json().path("code").asText()).isEqualTo("permission_bypass_disabled");

    TestServer.Reply mcp = server.post("/api/messages", "{\"prompt\":\"x\",\"mcp_config\":\"/tmp/evil.json\"}");
    assertThat(mcp.status()).isEqualTo(403);
    assertThat(mcp.json().path("code").asText()).isEqualTo("mcp_config_not_allowed");
    assertThat(fake.invocationCount()).isZero();
  }

  @Test
  void allowedBypassIsPassedOnAndServerMcpConfigIsUsed() throws Exception {
    Path mcpFile = Files.writeString(temp.resolve("mcp.json"), "{\"mcpServers\":{}}");
    start(config().toBuilder().allowDangerouslySkipPermissions(true)
        .mcp(new McpConfig(true, mcpFile, true, false)).build());

    TestServer.Reply reply = server.post("/api/messages", "{\"prompt\":\"x\",\"permission_mode\":\"bypassPermissions\"}");

    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    Invocation call = fake.takeInvocation();
    assertThat(call.args()).contains("--permission-mode=bypassPermissions", "--mcp-config=" + mcpFile,
        "--strict-mcp-config").doesNotContain("--dangerously-skip-permissions");
    // IS_SANDBOX=1 goes with it as root only (RunPolicyTest).

    // A request that names no mode skips the checks, as the Node server's config meant.
    assertThat(server.post("/api/messages", "{\"prompt\":\"x\"}").status()).isEqualTo(200);
    assertThat(fake.takeInvocation().args()).contains("--dangerously-skip-permissions")
        .noneMatch(arg -> arg.startsWith("--permission-mode"));
  }

  @Test
  void requestsRunConcurrently() throws Exception {
    start(config());
    for (int i = 0; i < 3; i++) {
      fake.enqueue(FakeReply.script().gate("together").emulate());
    }

    List<CompletableFuture<TestServer.Reply>> replies = List.of(
        CompletableFuture.supplyAsync(() -> server.post("/api/messages", "{\"prompt\":\"a\"}")),
        CompletableFuture.supplyAsync(() -> server.post("/api/messages", "{\"prompt\":\"b\"}")),
        CompletableFuture.supplyAsync(() -> server.post("/api/messages", "{\"prompt\":\"c\"}")));
    // Serialised, the second run would not start before the first was released.
    fake.awaitGate("together", 3);
    fake.release("together");
    for (CompletableFuture<TestServer.Reply> reply : replies) {
      assertThat(reply.get().status()).isEqualTo(200);
    }
  }

  private SseClient streamMessage(String body) {
    return SseClient.open(server.client(), HttpRequest.newBuilder(server.uri("/api/messages"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @Test
  void streamTrueAnswersTheTurnAsServerSentEventsInANewOrTheGivenSession() throws Exception {
    start(config());

    String first;
    try (SseClient sse = streamMessage("{\"prompt\":\"first\",\"stream\":true,\"project_path\":\"proj\"}")) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
      first = sse.header("X-Session-Id");
      List<SseClient.Event> events = sse.rest();
      assertThat(events.get(events.size() - 1).name()).isEqualTo("done");
      assertThat(Json.parse(events.get(events.size() - 1).data()).path("session_id").asText()).isEqualTo(first);
    }
    assertThat(fake.takeInvocation().stdin()).isEqualTo("first");
    JsonNode session = server.get("/api/sessions/" + first).json().path("session");
    assertThat(session.path("messages_count").asInt()).isEqualTo(1);
    assertThat(session.at("/metadata/auto_created").asBoolean()).isTrue();

    try (SseClient sse = streamMessage("{\"prompt\":\"second\",\"stream\":true,\"session_id\":\"" + first + "\"}")) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.header("X-Session-Id")).isEqualTo(first);
      sse.rest();
    }
    assertThat(server.get("/api/sessions/" + first).json().at("/session/messages_count").asInt()).isEqualTo(2);
    assertThat(server.get("/api/sessions/" + first + "/messages").json().path("messages")).hasSize(4);
    assertThat(server.get("/api/sessions").json().path("count").asInt()).isEqualTo(1);
  }

  @Test
  void asyncTrueQueuesTheMessageAsATask() throws Exception {
    start(config());

    TestServer.Reply queued = server.post("/api/messages",
        "{\"prompt\":\"later\",\"async\":true,\"priority\":7}");

    assertThat(queued.status()).as(queued.text()).isEqualTo(202);
    assertThat(queued.json().path("status").asText()).isEqualTo("pending");
    assertThat(queued.json().path("priority").asInt()).isEqualTo(7);
    String taskId = queued.json().path("task_id").asText();
    JsonNode task = server.get("/api/tasks/" + taskId).json().path("task");
    assertThat(task.path("prompt").asText()).isEqualTo("later");
  }

  @Test
  void queueOnlyFieldsWithoutAsyncAndContradictionsAreRefusedNotIgnored() {
    start(config());

    TestServer.Reply webhook = server.post("/api/messages",
        "{\"prompt\":\"x\",\"webhook_url\":\"https://example.com/hook\"}");
    assertError(webhook, 400, "\"webhook_url\" applies to queued tasks only: send \"async\": true, or use POST "
        + "/api/async/messages");
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"priority\":3,\"async\":false}"), 400,
        "\"priority\" applies to queued tasks only: send \"async\": true, or use POST /api/async/messages");
    TestServer.Reply streamedTask = server.post("/api/async/messages", "{\"prompt\":\"x\",\"stream\":true}");
    assertThat(streamedTask.status()).isEqualTo(400);
    assertThat(streamedTask.json().path("error").asText()).contains("GET /api/tasks/{id}/events");
    assertThat(server.post("/api/async/messages", "{\"prompt\":\"x\",\"async\":false}").status()).isEqualTo(400);
    assertThat(fake.invocationCount()).isZero();
    assertThat(server.get("/api/tasks").json().path("count").asInt()).isZero();
  }

  @Test
  void apiKeyAuthentication() {
    String secret = "ccs_sk_" + "ab".repeat(32);
    start(config().toBuilder().security(SecurityConfig.DEFAULT.withAuth(new AuthConfig(true, secret, true))).build());
    String key = dev.ccs.core.auth.ApiKeys.legacyKey(secret);
    assertThat(key).matches("ccs_ak_[0-9a-f]{64}");

    assertThat(server.get("/health").status()).isEqualTo(200);
    TestServer.Reply missing = server.post("/api/messages", "{\"prompt\":\"x\"}");
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(missing.json().path("error").asText()).isEqualTo("Missing Authorization header");

    TestServer.Reply wrong = server.send(HttpRequest.newBuilder(server.uri("/api/messages"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer ccs_ak_" + "0".repeat(64))
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}")));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().path("error").asText()).isEqualTo("Invalid API Key");

    TestServer.Reply ok = server.send(HttpRequest.newBuilder(server.uri("/api/messages"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}")));
    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
  }

  @Test
  void refusesToListenBeyondLoopbackWithoutAuth() {
    try (dev.ccs.core.Ccs ccs = dev.ccs.core.Ccs.builder(config()).build()) {
      assertThatThrownBy(() -> CcsHttpServer.start(ccs, "0.0.0.0", 0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("security.auth.enabled");
    }
  }

  private static void assertError(TestServer.Reply reply, int status, String message) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    assertThat(reply.json().path("success").asBoolean()).isFalse();
    assertThat(reply.json().path("code").asText()).isNotBlank();
    if (message != null) {
      assertThat(reply.json().path("error").asText()).isEqualTo(message);
    }
  }
}
