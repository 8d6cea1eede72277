package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.httpd.load.RawHttp;
import dev.ccs.testkit.FakeClaude;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken input, each case of the hardening issue and its class: every one is answered
 * 4xx with a JSON error at once, nothing is started, and nothing is stored that breaks a later read.
 */
@Timeout(120)
class BadInputTest {

  @TempDir
  Path temp;

  private FakeClaude fake;
  private CcsConfig config;
  private TestServer server;

  @BeforeEach
  void start() {
    fake = FakeClaude.create(temp);
    config = TestServer.config(temp.resolve("home"), fake.executable());
    server = TestServer.start(config);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static JsonNode assertJsonError(TestServer.Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
    assertThat(reply.header("content-type")).startsWith("application/json");
    JsonNode body = reply.json();
    assertThat(body.path("success").asBoolean(true)).isFalse();
    if (code != null) {
      assertThat(body.path("code").asText()).as(reply.toString()).isEqualTo(code);
    }
    return body;
  }

  private static void assertJsonError(RawHttp.Response reply, int status) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
    assertThat(reply.isJson()).as(reply.toString()).isTrue();
    assertThat(reply.text()).contains("\"success\":false");
  }

  private String session() {
    TestServer.Reply created = server.post("/api/sessions", "{\"project_path\":\"p\"}");
    assertThat(created.status()).isEqualTo(201);
    return created.json().path("session").path("id").asText();
  }

  @Test
  void absurdDecimalsAreRefusedAtOnceEverywhere() {
    String id = session();
    String budget = "\"max_budget_usd\":1e-999999999";
    for (String[] request : new String[][] {
        {"/api/messages", "{\"prompt\":\"x\"," + budget + "}"},
        {"/api/sessions", "{\"project_path\":\"p\"," + budget + "}"},
        {"/api/sessions/" + id + "/continue", "{\"prompt\":\"x\"," + budget + "}"},
        {"/api/sessions/" + id + "/continue/stream", "{\"prompt\":\"x\"," + budget + "}"},
        {"/api/async/messages", "{\"prompt\":\"x\"," + budget + "}"},
        {"/api/tasks/async", "{\"prompt\":\"x\"," + budget + "}"},
        {"/api/messages", "{\"prompt\":\"x\",\"max_budget_usd\":1e999999999}"},
        {"/api/messages", "{\"prompt\":\"x\",\"max_turns\":1e999999999}"}}) {
      JsonNode error = assertJsonError(server.post(request[0], request[1]), 400, "invalid_request");
      assertThat(error.path("error").asText()).as(request[0]).containsAnyOf("max_budget_usd", "max_turns");
    }
    assertThat(fake.invocationCount()).isZero();
    // No stream was left "streaming" by the refused streamed turn.
    assertThat(server.get("/api/sessions/" + id + "/stream/status").json().path("has_active_stream").asBoolean())
        .isFalse();
    assertThat(server.get("/api/tasks").json().path("count").asInt()).isZero();
  }

  /**
   * Node defect #48: no JSON handler for 404 or 400 (Express answered with HTML pages), a 10 MB body
   * with no prompt limit (see the next tests), and {@code limit} query parameters taken unchecked.
   * Here every list's {@code limit} is checked, an unknown query parameter is refused, and every
   * refusal is JSON.
   */
  @Test
  void everyListsLimitIsCheckedAndEveryRefusalIsJson() {
    String id = session();
    java.util.List<String> lists = java.util.List.of("/api/sessions", "/api/sessions/search?q=x",
        "/api/sessions/" + id + "/messages", "/api/tasks", "/api/tasks/dead-letter", "/api/projects",
        "/api/statistics/daily", "/api/statistics/models", "/api/statistics/projects");
    for (String list : lists) {
      String next = list.contains("?") ? "&" : "?";
      assertThat(server.get(list + next + "limit=1").status()).as(list).isEqualTo(200);
      for (String bad : java.util.List.of("abc", "0", "-1", "1e3", "2.5", "99999999999999999999", "%00")) {
        assertJsonError(server.get(list + next + "limit=" + bad), 400, null);
      }
      assertJsonError(server.get(list + next + "bogus=1"), 400, null);
    }
    assertJsonError(server.get("/nope"), 404, "not_found");
    assertJsonError(server.get("/api/nope"), 404, "not_found");
    assertJsonError(server.delete("/api/projects"), 405, null);
    assertJsonError(server.post("/api/sessions", "<html>"), 400, "malformed_json");
  }

  @Test
  void jsonOverTheParsersLimitsIsAClientError() {
    assertJsonError(server.post("/api/sessions", "{\"project_path\":\"p\",\"metadata\":" + "[".repeat(200)
        + "]".repeat(200) + "}"), 400, "json_limit_exceeded");
    JsonNode number = assertJsonError(server.post("/api/messages", "{\"prompt\":\"x\",\"max_turns\":"
        + "1".repeat(200) + "}"), 400, "json_limit_exceeded");
    assertThat(number.path("error").asText()).contains("/max_turns");
    assertJsonError(server.post("/api/sessions", "{\"project_path\":\"p\",\"metadata\":{\"" + "k".repeat(5000)
        + "\":1}}"), 400, "json_limit_exceeded");
    assertJsonError(server.post("/api/async/messages", "{\"prompt\":\"x\",\"metadata\":{\"many\":["
        + "1,".repeat(150_000) + "1]}}"), 400, "json_limit_exceeded");
    assertJsonError(server.post("/api/messages", "{\"prompt\":\"x\"} trailing"), 400, "malformed_json");
    assertJsonError(server.post("/api/messages", "{\"prompt\": tru}"), 400, "malformed_json");
    assertThat(fake.invocationCount()).isZero();
  }

  @Test
  void largePromptsAndMetadataAreRefusedBeforeAnythingIsKept() {
    String big = "x".repeat(5 * 1024 * 1024);
    assertJsonError(server.post("/api/messages", "{\"prompt\":\"" + big + "\"}"), 413, "payload_too_large");
    assertJsonError(server.post("/api/async/messages", "{\"prompt\":\"" + big + "\"}"), 413, "payload_too_large");
    // Under the body limit, over the prompt limit (limits.maxPromptBytes).
    String prompt = "y".repeat(config.limits().maxPromptBytes() + 1);
    JsonNode tooLong = assertJsonError(server.post("/api/messages", "{\"prompt\":\"" + prompt + "\"}"), 413,
        "payload_too_large");
    assertThat(tooLong.path("error").asText()).contains("limits.maxPromptBytes");
    // Metadata over limits.maxMetadataBytes, on sessions and tasks.
    String metadata = "{\"notes\":\"" + "z".repeat(config.limits().maxMetadataBytes()) + "\"}";
    assertJsonError(server.post("/api/sessions", "{\"project_path\":\"p\",\"metadata\":" + metadata + "}"), 413,
        "payload_too_large");
    assertJsonError(server.post("/api/async/messages", "{\"prompt\":\"x\",\"metadata\":" + metadata + "}"), 413,
        "payload_too_large");
    // A small endpoint takes a small body.
    assertJsonError(server.patch("/api/sessions/" + java.util.UUID.randomUUID() + "/status", "{\"status\":\""
        + "a".repeat(300 * 1024) + "\"}"), 413, "payload_too_large");
    assertThat(fake.invocationCount()).isZero();
    assertThat(server.get("/api/tasks").json().path("count").asInt()).isZero();
    assertThat(server.get("/api/sessions").json().path("count").asInt()).isZero();
  }

  @Test
  void deepMetadataIsRefusedAtTheDoorAndNothingStoredBreaksAReadEvenAfterARestart() {
    String deep = "{\"a\":".repeat(900) + "1" + "}".repeat(900);
    assertJsonError(server.post("/api/sessions", "{\"project_path\":\"p\",\"metadata\":" + deep + "}"), 400,
        "json_limit_exceeded");
    assertJsonError(server.post("/api/async/messages", "{\"prompt\":\"x\",\"metadata\":" + deep + "}"), 400,
        "json_limit_exceeded");
    int limit = config.limits().maxMetadataDepth();
    String overLimit = "{\"a\":".repeat(limit + 1) + "1" + "}".repeat(limit + 1);
    JsonNode refused = assertJsonError(server.post("/api/sessions", "{\"project_path\":\"p\",\"metadata\":"
        + overLimit + "}"), 400, "invalid_request");
    assertThat(refused.path("error").asText()).contains("limits.maxMetadataDepth");
    String atLimit = "{\"a\":".repeat(limit) + "1" + "}".repeat(limit);
    assertThat(server.post("/api/sessions", "{\"project_path\":\"p\",\"metadata\":" + atLimit + "}").status())
        .isEqualTo(201);
    assertThat(server.post("/api/sessions", "{\"project_path\":\"p\",\"metadata\":{\"n\":1.5e300,\"m\":[1e-300]}}")
        .status()).isEqualTo(201);
    assertJsonError(server.post("/api/sessions", "{\"project_path\":\"p\",\"metadata\":{\"n\":1e-999999999}}"), 400,
        "invalid_request");

    assertThat(server.get("/api/sessions").status()).isEqualTo(200);
    assertThat(server.get("/api/sessions/search?q=a").status()).isEqualTo(200);
    assertThat(server.get("/api/tasks").status()).isEqualTo(200);
    server.close();
    server = TestServer.start(config);
    TestServer.Reply list = server.get("/api/sessions");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().path("count").asInt()).isEqualTo(2);
    assertThat(server.get("/api/projects").status()).isEqualTo(200);
  }

  @Test
  void pathsWithNulControlCharactersOrBrokenEscapesAre400() throws Exception {
    try (RawHttp raw = new RawHttp(server.port(), 5_000)) {
      // Sent as written: a client library would refuse to send most of these.
      for (String path : new String[] {"/api/sessions/%00", "/api/sessions/abc%0Adef", "/api/tasks/%C3%28",
          "/api/tasks/%E2%82", "/api/sessions/%7F"}) {
        RawHttp.Response reply = raw.get(path);
        assertJsonError(reply, 400);
        assertThat(reply.text()).as(path).contains("invalid_path");
      }
      // A malformed escape fails the JDK's own parsing of the request line, before any handler: its
      // 400 is the one HTML answer left (listed in the README).
      for (String path : new String[] {"/api/tasks/%zz", "/api/sessions/%"}) {
        assertThat(raw.get(path).status()).as(path).isEqualTo(400);
      }
      RawHttp.Response project = raw.send("DELETE", "/api/projects/a%00b", Map.of(), null);
      assertJsonError(project, 400);
    }
    assertJsonError(server.get("/api/sessions?project_path=%00"), 400, "invalid_request");
    assertJsonError(server.post("/api/sessions", "{\"project_path\":\"a\\u0000b\"}"), 400, "invalid_request");
    assertJsonError(server.post("/api/messages", "{\"prompt\":\"x\",\"project_path\":\"a\\u0000b\"}"), 400,
        "invalid_request");
    assertThat(fake.invocationCount()).isZero();
  }

  @Test
  void everyValueThatBecomesACliArgumentIsCheckedBeforeAProcessStarts() {
    String id = session();
    String nul = "\"a\\u0000b\"";
    String huge = "\"" + "s".repeat(200 * 1024) + "\"";
    Map<String, String> bodies = new LinkedHashMap<>();
    for (String field : new String[] {"model", "agent", "system_prompt", "append_system_prompt", "mcp_config"}) {
      bodies.put(field + " NUL", "{\"prompt\":\"x\",\"" + field + "\":" + nul + "}");
      bodies.put(field + " 200 kB", "{\"prompt\":\"x\",\"" + field + "\":" + huge + "}");
    }
    bodies.put("allowed_tools NUL", "{\"prompt\":\"x\",\"allowed_tools\":[\"Read\"," + nul + "]}");
    bodies.put("disallowed_tools 200 kB", "{\"prompt\":\"x\",\"disallowed_tools\":[" + huge + "]}");
    bodies.put("model bell", "{\"prompt\":\"x\",\"model\":\"son\\u0007net\"}");
    for (Map.Entry<String, String> body : bodies.entrySet()) {
      for (String path : new String[] {"/api/messages", "/api/sessions/" + id + "/continue", "/api/async/messages"}) {
        TestServer.Reply reply = server.post(path, body.getValue());
        assertThat(reply.status()).as(body.getKey() + " on " + path + ": " + reply).isIn(400, 413);
        assertThat(reply.header("content-type")).startsWith("application/json");
        assertThat(reply.text()).doesNotContain(fake.executable().toString());
      }
    }
    assertThat(fake.invocationCount()).isZero();
    assertThat(server.get("/api/tasks").json().path("count").asInt()).isZero();
  }

  @Test
  void malformedChunkedBodiesAndTrailersAre400AtOnce() throws Exception {
    String head = "POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n";
    for (String body : new String[] {"zz\r\n", "-5\r\nabc\r\n", "2\r\n{}\r\n0\r\nX-Trailer: 1\r\n\r\n",
        "3\r\n{}\r\n0\r\n\r\n"}) {
      // The client keeps its side open: the answer must not wait for it.
      try (RawHttp raw = new RawHttp(server.port(), 5_000)) {
        RawHttp.Response reply = raw.sendRaw((head + body).getBytes(StandardCharsets.ISO_8859_1));
        assertJsonError(reply, 400);
        assertThat(reply.text()).contains("malformed_body");
        assertThat(reply.header("connection")).isEqualToIgnoringCase("close");
      }
    }
    assertThat(server.get("/api/sessions").json().path("count").asInt()).isZero();
  }

  @Test
  void oversizedHeadersAndTargetsAreAnsweredInJson() throws Exception {
    try (RawHttp raw = new RawHttp(server.port(), 5_000)) {
      Map<String, String> many = new LinkedHashMap<>();
      for (int i = 0; i < config.http().maxHeaderCount() + 1; i++) {
        many.put("X-Header-" + i, "v");
      }
      RawHttp.Response tooMany = raw.send("GET", "/health", many, null);
      assertJsonError(tooMany, 431);
      assertThat(tooMany.text()).contains("http.maxHeaderCount");
      RawHttp.Response tooBig = raw.send("GET", "/health", Map.of("X-Big", "b".repeat(config.http().maxHeaderBytes())),
          null);
      assertJsonError(tooBig, 431);
      RawHttp.Response longTarget = raw.send("GET", "/api/sessions?q=" + "q".repeat(config.http().maxUrlBytes()),
          Map.of(), null);
      assertJsonError(longTarget, 414);
      // And the same connection or a new one goes on being served.
      assertThat(raw.get("/health").status()).isEqualTo(200);
    }
  }
}
