package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.testkit.MockAnthropic;
import dev.ccs.testkit.RealClaude;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/messages} through the real CLI against the mock Messages API. */
@Tag("real-cli")
@Timeout(120)
class RealClaudeHttpTest {

  @TempDir
  Path temp;

  private MockAnthropic mock;
  private TestServer server;

  @BeforeEach
  void setUp() {
    Path claude = RealClaude.executable();
    mock = MockAnthropic.start();
    CcsConfig config = TestServer.config(temp.resolve("ccs"), claude);
    server = TestServer.start(config, RealClaude.environment(temp.resolve("home"), mock), b -> b);
  }

  @AfterEach
  void tearDown() {
    server.close();
    mock.close();
  }

  @Test
  void healthShowsTheRealVersion() {
    assertThat(server.get("/health").json().at("/claude/version").asText()).isEqualTo(RealClaude.VERSION);
  }

  @Test
  void messageThenResumeOverHttp() {
    TestServer.Reply first = server.post("/api/messages", "{\"prompt\":\"remember me [[mock:text=first]]\"}");
    assertThat(first.status()).as(first.text()).isEqualTo(200);
    JsonNode body = first.json();
    assertThat(body.path("result").asText()).isEqualTo("first");
    assertThat(body.path("cost_usd").decimalValue()).isPositive();
    assertThat(body.at("/usage/input_tokens").asInt()).isEqualTo(12);
    String sessionId = body.path("session_id").asText();

    TestServer.Reply second = server.post("/api/messages",
        "{\"prompt\":\"again [[mock:text=second]]\",\"session_id\":\"" + sessionId + "\"}");
    assertThat(second.status()).as(second.text()).isEqualTo(200);
    assertThat(second.json().path("result").asText()).isEqualTo("second");
    assertThat(second.json().path("cost_usd").decimalValue()).isEqualByComparingTo(body.path("cost_usd").decimalValue());
    assertThat(mock.messagesRequests().get(1).messageTexts("assistant")).contains("first");
  }

  @Test
  void apiErrorIs502() {
    TestServer.Reply reply = server.post("/api/messages", "{\"prompt\":\"x [[mock:error=529]]\"}");

    assertThat(reply.status()).isEqualTo(502);
    assertThat(reply.json().path("code").asText()).isEqualTo("api_error");
    assertThat(reply.json().at("/details/api_error_status").asInt()).isEqualTo(529);
  }
}
