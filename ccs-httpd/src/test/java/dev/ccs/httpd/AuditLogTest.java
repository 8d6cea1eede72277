package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.AuthConfig;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.SecurityConfig;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.FakeClaude;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code security.audit.enabled}: security events as JSON lines, with the actor and never a secret. */
@Timeout(60)
class AuditLogTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  @TempDir
  Path temp;

  private TestServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private CcsConfig config(boolean audit) {
    return TestServer.config(temp.resolve("home"), FakeClaude.create(temp).executable()).toBuilder()
        .security(SecurityConfig.DEFAULT.toBuilder().auth(new AuthConfig(true, SECRET, true)).audit(audit).build())
        .build();
  }

  private TestServer.Reply send(String method, String path, String key, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return server.send(request);
  }

  private List<JsonNode> events() throws Exception {
    Path file = temp.resolve("home/data/audit/audit.jsonl");
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      events.add(Json.parse(line));
    }
    return events;
  }

  @Test
  void authFailuresRefusalsAndDeletionsAreRecordedWithTheirActor() throws Exception {
    server = TestServer.start(config(true));
    String key = dev.ccs.core.auth.ApiKeys.legacyKey(SECRET);
    assertThat(send("GET", "/api/sessions", null, null).status()).isEqualTo(401);
    assertThat(send("GET", "/api/sessions", "ccs_ak_wrong-guess-123", null).status()).isEqualTo(401);
    assertThat(send("POST", "/api/sessions", key, "{\"project_path\":\"/etc\"}").status()).isEqualTo(403);
    String id = send("POST", "/api/sessions", key, "{\"project_path\":\"p\"}").json().at("/session/id").asText();
    assertThat(send("DELETE", "/api/sessions/" + id, key, null).status()).isEqualTo(200);

    List<JsonNode> events = events();
    assertThat(events).extracting(e -> e.path("type").asText())
        .containsExactly("auth_failure", "auth_failure", "request_refused", "session_deleted");
    assertThat(events).allSatisfy(e -> assertThat(e.path("time").asText()).isNotEmpty());
    // Before authentication the address alone; after it, the key's name too.
    assertThat(events).extracting(e -> e.path("actor").asText())
        .containsExactly("127.0.0.1", "127.0.0.1", "legacy@127.0.0.1", "legacy@127.0.0.1");
    assertThat(events.get(0).path("reason").asText()).isEqualTo("missing_header");
    assertThat(events.get(1).path("reason").asText()).isEqualTo("invalid_api_key");
    assertThat(events.get(2).path("reason").asText()).isEqualTo("path_not_allowed");
    assertThat(events.get(3).path("path").asText()).isEqualTo("/api/sessions/" + id);
    String text = Files.readString(temp.resolve("home/data/audit/audit.jsonl"));
    assertThat(text).doesNotContain("wrong-guess", key, SECRET);
  }

  @Test
  void offMeansNoFile() {
    server = TestServer.start(config(false));
    assertThat(send("GET", "/api/sessions", null, null).status()).isEqualTo(401);
    assertThat(temp.resolve("home/data/audit")).doesNotExist();
  }

  @Test
  void aGrantedPermissionBypassIsRecordedAndARefusedOneToo() throws Exception {
    server = TestServer.start(config(true).toBuilder().allowDangerouslySkipPermissions(true).build());
    String key = dev.ccs.core.auth.ApiKeys.legacyKey(SECRET);
    assertThat(send("POST", "/api/messages", key, "{\"prompt\":\"x\",\"permission_mode\":\"bypassPermissions\"}")
        .status()).isEqualTo(200);
    assertThat(send("POST", "/api/messages", key, "{\"prompt\":\"x\",\"permission_mode\":\"plan\"}").status())
        .isEqualTo(200);
    server.close();
    server = TestServer.start(config(true));
    assertThat(send("POST", "/api/messages", key, "{\"prompt\":\"x\",\"permission_mode\":\"bypassPermissions\"}")
        .status()).isEqualTo(403);

    List<JsonNode> events = events();
    assertThat(events).extracting(e -> e.path("type").asText())
        .containsExactly("permission_escalation", "request_refused");
    assertThat(events.get(0).path("granted").asText()).isEqualTo("permission_mode=bypassPermissions");
    assertThat(events.get(0).path("route").asText()).isEqualTo("/api/messages");
    assertThat(events.get(1).path("reason").asText()).isEqualTo("permission_bypass_disabled");
  }
}
