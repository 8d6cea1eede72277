package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import dev.ccs.testkit.Invocation;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The session endpoints over HTTP, against the fake CLI; each seed defect it fixes has a test here. */
@Timeout(180)
class SessionsApiTest {

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

  private TestServer start() {
    return start(config());
  }

  private TestServer start(CcsConfig config) {
    server = TestServer.start(config);
    return server;
  }

  private Path workspace() {
    return temp.resolve("home").resolve("workspace");
  }

  private String createSession(String project) {
    TestServer.Reply reply = server.post("/api/sessions", "{\"project_path\":\"" + project + "\"}");
    assertThat(reply.status()).as(reply.text()).isEqualTo(201);
    return reply.json().at("/session/id").asText();
  }

  private TestServer.Reply turn(String id, String body) {
    return server.post("/api/sessions/" + id + "/continue", body);
  }

  @Test
  void providerIdRunsTheTurnWithThatProviderAndAnUnknownOrDisabledOneIsRefused() {
    start(config().toBuilder().providers(List.of(
        new ProviderConfig("a", "A", "key-a", "http://127.0.0.1:9/a", 1, true, Map.of()),
        new ProviderConfig("b", "B", "key-b", "http://127.0.0.1:9/b", 1, true, Map.of()),
        new ProviderConfig("off", "Off", "key-off", "http://127.0.0.1:9/off", 1, false, Map.of()))).build());
    String id = createSession("p");

    for (int i = 0; i < 2; i++) {
      assertThat(turn(id, "{\"prompt\":\"x\",\"provider_id\":\"b\"}").status()).isEqualTo(200);
      assertThat(fake.takeInvocation().env()).containsEntry("ANTHROPIC_BASE_URL", "http://127.0.0.1:9/b")
          .containsEntry("ANTHROPIC_API_KEY", "key-b");
    }
    // Without it (an empty one is the Node server's "none") the session stays on the provider it was
    // given, and the next session goes to the other one.
    assertThat(turn(id, "{\"prompt\":\"x\",\"provider_id\":\"\"}").status()).isEqualTo(200);
    assertThat(turn(id, "{\"prompt\":\"x\"}").status()).isEqualTo(200);
    String first = fake.takeInvocation().env().get("ANTHROPIC_API_KEY");
    assertThat(fake.takeInvocation().env().get("ANTHROPIC_API_KEY")).isEqualTo(first);
    assertThat(turn(createSession("q"), "{\"prompt\":\"x\"}").status()).isEqualTo(200);
    assertThat(fake.takeInvocation().env().get("ANTHROPIC_API_KEY")).isNotEqualTo(first).isIn("key-a", "key-b");

    assertError(turn(id, "{\"prompt\":\"x\",\"provider_id\":\"nope\"}"), 404, "Provider not found: nope");
    assertError(turn(id, "{\"prompt\":\"x\",\"provider_id\":\"off\"}"), 409, "Provider is disabled: off");
    assertError(turn(id, "{\"prompt\":\"x\",\"provider_id\":\"../a\"}"), 400,
        "\"provider_id\" must be 1-64 letters, digits, _ or -");
    assertThat(fake.invocationCount()).isEqualTo(5);
  }

  @Test
  void createGetListSearchAndStats() {
    start();
    TestServer.Reply created = server.post("/api/sessions",
        "{\"project_path\":\"proj/alpha\",\"model\":\"claude-sonnet-4-5\",\"metadata\":{\"team\":\"Infra\"}}");

    assertThat(created.status()).isEqualTo(201);
    JsonNode session = created.json().path("session");
    assertThat(created.json().path("success").asBoolean()).isTrue();
    assertThat(session.path("project_path").asText()).isEqualTo(workspace().resolve("proj/alpha").toString());
    assertThat(Files.isDirectory(workspace().resolve("proj/alpha"))).isTrue();
    assertThat(session.path("status").asText()).isEqualTo("active");
    assertThat(session.path("messages_count").asInt()).isZero();
    assertThat(session.path("total_cost_usd").decimalValue()).isEqualByComparingTo("0");
    assertThat(session.path("metadata").path("team").asText()).isEqualTo("Infra");
    String id = session.path("id").asText();
    createSession("proj/beta");

    assertThat(server.get("/api/sessions/" + id).json().at("/session/id").asText()).isEqualTo(id);
    JsonNode list = server.get("/api/sessions").json();
    assertThat(list.path("count").asInt()).isEqualTo(2);
    // Issue 12: all of them by default, and a cut list says so.
    assertThat(list.path("has_more").isBoolean()).isTrue();
    assertThat(list.path("has_more").asBoolean()).isFalse();
    JsonNode filtered = server.get("/api/sessions?project_path=proj/alpha&status=active").json();
    assertThat(filtered.path("count").asInt()).isEqualTo(1);
    assertThat(filtered.at("/sessions/0/id").asText()).isEqualTo(id);
    JsonNode cut = server.get("/api/sessions?limit=1").json();
    assertThat(cut.path("count").asInt()).isEqualTo(1);
    assertThat(cut.path("has_more").asBoolean()).isTrue();
    // The next page starts after the cut, with the cursor given.
    JsonNode rest = server.get("/api/sessions?limit=1&cursor=" + cut.path("next_cursor").asText()).json();
    assertThat(rest.path("count").asInt()).isEqualTo(1);
    assertThat(rest.path("has_more").asBoolean()).isFalse();
    assertThat(rest.path("next_cursor").isNull()).isTrue();
    assertThat(rest.at("/sessions/0/id").asText()).isNotEqualTo(cut.at("/sessions/0/id").asText());
    assertThat(server.get("/api/sessions?cursor=bm9wZQ").status()).isEqualTo(400);
    assertThat(server.get("/api/sessions/search?q=infra").json().at("/sessions/0/id").asText()).isEqualTo(id);
    JsonNode stats = server.get("/api/sessions/" + id + "/stats").json().path("stats");
    assertThat(stats.path("id").asText()).isEqualTo(id);
    assertThat(stats.path("model").asText()).isEqualTo("claude-sonnet-4-5");
    assertThat(stats.path("max_budget_usd").decimalValue()).isEqualByComparingTo("10.0");
  }

  @Test
  void badInputGetsClearErrors() {
    start();
    String id = createSession("p");

    assertError(server.post("/api/sessions", "{}"), 400, "\"project_path\" is required");
    assertError(server.post("/api/sessions", "{\"project_path\":\"p\",\"x\":1}"), 400, "\"x\" is not allowed");
    assertError(server.post("/api/sessions", "{\"project_path\":\"/etc\"}"), 403, null);
    assertError(server.get("/api/sessions/" + UUID.randomUUID()), 404, "Session not found");
    assertError(server.get("/api/sessions?limit=abc"), 400, "limit must be between 1 and 1000");
    assertError(server.get("/api/sessions?status=sleeping"), 400, null);
    assertError(server.get("/api/sessions/search"), 400, "\"q\" is required");
    assertError(server.get("/api/sessions/search?q=a&sort=x"), 400, "\"sort\" is not allowed");
    assertError(server.patch("/api/sessions/" + id + "/status", "{\"status\":\"gone\"}"), 400,
        "Invalid status. Must be: active, archived, or closed");
    assertError(server.get("/api/sessions/" + id + "/messages?limit=0"), 400, "limit must be between 1 and 100");
    assertError(server.get("/api/sessions/" + id + "/messages?limit=101"), 400, "limit must be between 1 and 100");
    assertError(server.get("/api/sessions/" + id + "/messages?order=up"), 400, "order must be asc or desc");
    assertError(server.get("/api/sessions/" + id + "/messages?before_id=msg_nope"), 400, null);
    assertError(turn(id, "{}"), 400, "\"prompt\" is required");
    assertError(turn(UUID.randomUUID().toString(), "{\"prompt\":\"x\"}"), 404, "Session not found");
    assertThat(fake.invocationCount()).isZero();
  }

  /** Seed defect #3: a session id reached a file path (session_id "../../../../tmp/x"). */
  @Test
  void sessionIdsCannotReachAFilePath() {
    start();
    for (String bad : List.of("..%2F..%2F..%2Ftmp%2Fx", "..", "abc", "0000-1111")) {
      assertError(server.get("/api/sessions/" + bad), 400, "Invalid session id: must be a UUID");
      assertError(turn(bad, "{\"prompt\":\"x\"}"), 400, "Invalid session id: must be a UUID");
    }
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"session_id\":\"../../../../tmp/x\"}"), 400,
        "\"session_id\" must be a valid GUID");
    assertThat(temp.resolve("tmp")).doesNotExist();
    assertThat(fake.invocationCount()).isZero();
  }

  /** Seed defects #27 (parameters dropped, 500 for not found) and #29 (--session-id vs --resume). */
  @Test
  void turnsRunInTheSessionsDirectoryWithEveryParameterFirstCreatingThenResuming() {
    start();
    String id = createSession("proj/x");

    TestServer.Reply first = turn(id, "{\"prompt\":\"first\",\"system_prompt\":\"be brief\",\"max_budget_usd\":0.5,"
        + "\"allowed_tools\":[\"Read\"],\"disallowed_tools\":[\"Bash\"],\"permission_mode\":\"acceptEdits\"}");
    TestServer.Reply second = turn(id, "{\"prompt\":\"second\"}");

    assertThat(first.status()).as(first.text()).isEqualTo(200);
    assertThat(first.json().path("result").asText()).isEqualTo("Echo: first");
    assertThat(first.json().path("session_id").asText()).isEqualTo(id);
    assertThat(second.json().path("result").asText()).isEqualTo("Echo: second");
    Invocation one = fake.takeInvocation();
    Invocation two = fake.takeInvocation();
    assertThat(one.args()).contains("--session-id=" + id, "--system-prompt=be brief", "--max-budget-usd=0.5",
        "--allowedTools=Read", "--disallowedTools=Bash", "--permission-mode=acceptEdits");
    assertThat(two.args()).contains("--resume=" + id).doesNotContain("--session-id=" + id);
    assertThat(one.cwd()).isEqualTo(workspace().resolve("proj/x"));
    assertThat(two.cwd()).isEqualTo(workspace().resolve("proj/x"));
    JsonNode session = server.get("/api/sessions/" + id).json().path("session");
    assertThat(session.path("messages_count").asInt()).isEqualTo(2);
    assertThat(session.path("total_cost_usd").decimalValue()).isEqualByComparingTo("0.002");
    assertThat(session.path("cli_session_ids").get(0).asText()).isEqualTo(id);
  }

  /** Seed defect #29: a run that created the CLI session and then failed still counts as created. */
  @Test
  void aFailedRunThatCreatedTheCliSessionIsResumedNext() {
    start();
    String id = createSession("p");
    fake.enqueue(FakeReply.script().line(FakeReply.initLine(id))
        .line(FakeReply.resultLine(id, "API Error: 529 overloaded", "0", true, "success")).exitCode(1));
    assertThat(turn(id, "{\"prompt\":\"one\"}").status()).isEqualTo(502);

    fake.enqueue(FakeReply.script().emulate());
    // The fake's own bookkeeping has no session yet (the scripted run did not create one), so the
    // resume fails the way the real CLI fails; ccs then retries with --session-id.
    TestServer.Reply second = turn(id, "{\"prompt\":\"two\"}");

    assertThat(second.status()).as(second.text()).isEqualTo(200);
    assertThat(fake.takeInvocation().args()).contains("--session-id=" + id);
    assertThat(fake.takeInvocation().args()).contains("--resume=" + id);
    assertThat(fake.takeInvocation().args()).contains("--session-id=" + id);
    assertThat(server.get("/api/sessions/" + id).json().at("/session/messages_count").asInt()).isEqualTo(1);
  }

  @Test
  void aRunThatNeverStartedTheCliSessionCreatesItNextTime() {
    start();
    String id = createSession("p");
    fake.enqueue(FakeReply.script().stderr("Error: something before the session").exitCode(1));
    assertThat(turn(id, "{\"prompt\":\"one\"}").status()).isEqualTo(502);

    assertThat(turn(id, "{\"prompt\":\"two\"}").status()).isEqualTo(200);

    fake.takeInvocation();
    assertThat(fake.takeInvocation().args()).contains("--session-id=" + id);
  }

  /** Seed defect #27: "Session is not active" was a 500. */
  @Test
  void onlyActiveSessionsTakeTurns() {
    start();
    String id = createSession("p");

    TestServer.Reply archived = server.patch("/api/sessions/" + id + "/status", "{\"status\":\"archived\"}");
    assertThat(archived.json().at("/session/status").asText()).isEqualTo("archived");
    assertError(turn(id, "{\"prompt\":\"x\"}"), 409, "Session is not active: archived");
    assertThat(fake.invocationCount()).isZero();

    server.patch("/api/sessions/" + id + "/status", "{\"status\":\"active\"}");
    assertThat(turn(id, "{\"prompt\":\"x\"}").status()).isEqualTo(200);
  }

  /** Seed defect #23: a paid result was thrown away and its cost lost, so every later call ran and paid again. */
  @Test
  void everyBilledRunIsRecordedAndAFullBudgetRefusesBeforeSpawning() {
    start();
    TestServer.Reply created = server.post("/api/sessions", "{\"project_path\":\"p\",\"max_budget_usd\":0.05}");
    String id = created.json().at("/session/id").asText();
    fake.enqueue(FakeReply.script().line(FakeReply.resultLine(id, "spent", "0.03", false, "success")));
    fake.enqueue(FakeReply.script().line(FakeReply.resultLine(id, null, "0.06", true, "error_max_budget_usd")).exitCode(1));

    TestServer.Reply first = turn(id, "{\"prompt\":\"a\"}");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().path("cost_usd").decimalValue()).isEqualByComparingTo("0.03");
    TestServer.Reply second = turn(id, "{\"prompt\":\"b\"}");
    assertThat(second.status()).isEqualTo(502);
    assertThat(second.json().path("code").asText()).isEqualTo("max_budget_reached");
    assertThat(second.json().path("cost_usd").decimalValue()).isEqualByComparingTo("0.03");

    // The remaining budget was passed to the CLI, so it stopped itself.
    fake.takeInvocation();
    assertThat(fake.takeInvocation().args()).contains("--max-budget-usd=0.02");
    JsonNode session = server.get("/api/sessions/" + id).json().path("session");
    assertThat(session.path("total_cost_usd").decimalValue()).isEqualByComparingTo("0.06");
    assertThat(session.path("messages_count").asInt()).isEqualTo(1);

    TestServer.Reply third = turn(id, "{\"prompt\":\"c\"}");
    assertThat(third.status()).isEqualTo(402);
    assertThat(third.json().path("code").asText()).isEqualTo("budget_exceeded");
    assertThat(third.json().path("error").asText()).contains("$0.06").contains("$0.05");
    assertThat(fake.invocationCount()).isEqualTo(2);
    // The failed, billed run is in the history too.
    JsonNode messages = server.get("/api/sessions/" + id + "/messages?order=asc").json().path("messages");
    assertThat(messages).hasSize(4);
    assertThat(messages.get(3).at("/metadata/is_error").asBoolean()).isTrue();
    assertThat(messages.get(3).at("/metadata/cost_usd").decimalValue()).isEqualByComparingTo("0.03");
  }

  /** Seed defect #24: 25 parallel continues left the cost at 22 runs' worth. */
  @Test
  void twentyFiveParallelTurnsAreAllCountedExactlyAndRunOneAtATime() throws Exception {
    start();
    String id = createSession("p");
    fake.costPerRun("0.0123");
    ExecutorService clients = Executors.newFixedThreadPool(25);
    try {
      List<CompletableFuture<TestServer.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        String body = "{\"prompt\":\"turn " + i + "\"}";
        replies.add(CompletableFuture.supplyAsync(() -> turn(id, body), clients));
      }
      for (CompletableFuture<TestServer.Reply> reply : replies) {
        TestServer.Reply answer = reply.get();
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().path("cost_usd").decimalValue()).isEqualByComparingTo("0.0123");
      }
    } finally {
      clients.shutdown();
    }
    JsonNode session = server.get("/api/sessions/" + id).json().path("session");
    assertThat(session.path("messages_count").asInt()).isEqualTo(25);
    assertThat(session.path("total_cost_usd").decimalValue()).isEqualByComparingTo(new BigDecimal("0.0123").multiply(BigDecimal.valueOf(25)));
    assertThat(server.get("/api/sessions/" + id + "/messages?limit=100").json().path("pagination").path("total").asInt())
        .isEqualTo(50);
    // The fake refuses a second run of a CLI session while one runs: all 25 ran, none overlapped.
    assertThat(fake.invocations()).hasSize(25);
    assertThat(fake.sessionTotals().get(id)).isEqualTo("0.3075");
  }

  @Test
  void otherSessionsAreNotHeldUpByABusyOne() throws Exception {
    start();
    String slow = createSession("a");
    String quick = createSession("b");
    fake.enqueue(FakeReply.script().gate("slow").emulate());

    CompletableFuture<TestServer.Reply> slowTurn = CompletableFuture.supplyAsync(() -> turn(slow, "{\"prompt\":\"s\"}"));
    fake.awaitGate("slow", 1);
    // The slow turn holds its session until released: the other session's turn must not wait for it.
    assertThat(turn(quick, "{\"prompt\":\"q\"}").status()).isEqualTo(200);
    assertThat(slowTurn).isNotDone();

    fake.release("slow");
    assertThat(slowTurn.get(30, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(200);
  }

  @Test
  void messagesArePagedNewestFirst() {
    start();
    String id = createSession("p");
    for (int i = 0; i < 3; i++) {
      turn(id, "{\"prompt\":\"q" + i + "\"}");
    }

    JsonNode page = server.get("/api/sessions/" + id + "/messages?limit=4").json();
    assertThat(page.path("session_id").asText()).isEqualTo(id);
    assertThat(page.path("count").asInt()).isEqualTo(4);
    assertThat(page.at("/pagination/has_more").asBoolean()).isTrue();
    assertThat(page.at("/messages/0/role").asText()).isEqualTo("assistant");
    assertThat(page.at("/messages/0/content").asText()).isEqualTo("Echo: q2");
    assertThat(page.at("/messages/1/content").asText()).isEqualTo("q2");
    assertThat(page.at("/messages/1/metadata/project_path").asText()).isEqualTo(workspace().resolve("p").toString());
    assertThat(page.at("/messages/0/metadata/cost_usd").decimalValue()).isEqualByComparingTo("0.001");

    String lastId = page.at("/pagination/last_id").asText();
    JsonNode older = server.get("/api/sessions/" + id + "/messages?limit=4&before_id=" + lastId).json();
    assertThat(older.path("count").asInt()).isEqualTo(2);
    assertThat(older.at("/pagination/has_more").asBoolean()).isFalse();
    assertThat(older.at("/messages/1/content").asText()).isEqualTo("q0");
  }

  /** Seed defect #28: a session could be continued in another directory, where the CLI cannot find it. */
  @Test
  void aSessionAlwaysRunsInItsOwnDirectory() {
    start();
    TestServer.Reply first = server.post("/api/messages", "{\"prompt\":\"one\",\"project_path\":\"proj/one\"}");
    String id = first.json().path("session_id").asText();

    TestServer.Reply elsewhere = server.post("/api/messages",
        "{\"prompt\":\"two\",\"session_id\":\"" + id + "\",\"project_path\":\"proj/other\"}");
    assertError(elsewhere, 409, null);
    assertThat(elsewhere.json().path("code").asText()).isEqualTo("project_path_mismatch");

    TestServer.Reply same = server.post("/api/messages",
        "{\"prompt\":\"two\",\"session_id\":\"" + id + "\",\"project_path\":\"proj/one\"}");
    assertThat(same.status()).isEqualTo(200);
    assertThat(fake.invocations()).extracting(Invocation::cwd).containsOnly(workspace().resolve("proj/one"));
    assertError(server.post("/api/messages", "{\"prompt\":\"x\",\"session_id\":\"" + UUID.randomUUID() + "\"}"), 404,
        "Session not found");
    JsonNode auto = server.get("/api/sessions/" + id).json().path("session");
    assertThat(auto.at("/metadata/auto_created").asBoolean()).isTrue();
  }

  @Test
  void deleteRemovesSessionAndMessagesButNotTheDirectory() throws Exception {
    start();
    String id = createSession("keep/me");
    turn(id, "{\"prompt\":\"x\"}");

    TestServer.Reply deleted = server.delete("/api/sessions/" + id);

    assertThat(deleted.json().path("success").asBoolean()).isTrue();
    assertThat(deleted.json().path("deleted_messages").asInt()).isEqualTo(2);
    assertError(server.get("/api/sessions/" + id), 404, "Session not found");
    assertError(server.delete("/api/sessions/" + id), 404, "Session not found");
    assertThat(Files.isDirectory(workspace().resolve("keep/me"))).isTrue();
    assertThat(temp.resolve("home/data/messages/" + id + ".jsonl")).doesNotExist();
  }

  @Test
  void projectsAreListedSummedAndDeleted() {
    start();
    String a1 = createSession("proj/a");
    String a2 = createSession("proj/a");
    createSession("proj/b");
    turn(a1, "{\"prompt\":\"x\"}");
    turn(a2, "{\"prompt\":\"y\"}");

    JsonNode projects = server.get("/api/projects?sort_by=session_count").json();
    assertThat(projects.path("count").asInt()).isEqualTo(2);
    JsonNode top = projects.at("/projects/0");
    assertThat(top.path("project_path").asText()).isEqualTo(workspace().resolve("proj/a").toString());
    assertThat(top.path("relative_path").asText()).isEqualTo("proj/a");
    assertThat(top.path("session_count").asInt()).isEqualTo(2);
    assertThat(top.path("messages_count").asInt()).isEqualTo(2);
    assertThat(top.path("total_cost_usd").decimalValue()).isEqualByComparingTo("0.002");

    JsonNode stats = server.get("/api/projects/stats").json().path("stats");
    assertThat(stats.path("total_projects").asInt()).isEqualTo(2);
    assertThat(stats.path("total_sessions").asInt()).isEqualTo(3);
    assertThat(stats.at("/most_active_project/session_count").asInt()).isEqualTo(2);
    assertThat(stats.at("/most_expensive_project/total_cost_usd").decimalValue()).isEqualByComparingTo("0.002");

    TestServer.Reply deleted = server.delete("/api/projects/proj/a");
    assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
    assertThat(deleted.json().path("deleted_sessions").asInt()).isEqualTo(2);
    assertThat(deleted.json().path("deleted_messages").asInt()).isEqualTo(4);
    assertThat(server.get("/api/sessions").json().path("count").asInt()).isEqualTo(1);
    TestServer.Reply missing = server.delete("/api/projects/proj/none");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().path("error").asText()).isEqualTo("No sessions found for this project");
    assertThat(Files.isDirectory(workspace().resolve("proj/a"))).isTrue();
  }

  @Test
  void sessionsSurviveARestart() {
    start();
    String id = createSession("p");
    turn(id, "{\"prompt\":\"before restart\"}");
    server.close();
    server = null;

    start();

    JsonNode session = server.get("/api/sessions/" + id).json().path("session");
    assertThat(session.path("messages_count").asInt()).isEqualTo(1);
    TestServer.Reply after = turn(id, "{\"prompt\":\"after restart\"}");
    assertThat(after.status()).isEqualTo(200);
    assertThat(fake.takeInvocation().args()).contains("--session-id=" + id);
    assertThat(fake.takeInvocation().args()).contains("--resume=" + id);
  }

  @Test
  void aSecondServerOnTheSameDataDirectoryIsRefused() {
    start();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(config()))
        .hasMessageContaining("is in use by another ccs process");
  }

  static void assertError(TestServer.Reply reply, int status, String message) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    assertThat(reply.json().path("success").asBoolean()).isFalse();
    assertThat(reply.json().path("code").asText()).isNotBlank();
    if (message != null) {
      assertThat(reply.json().path("error").asText()).isEqualTo(message);
    }
  }
}
