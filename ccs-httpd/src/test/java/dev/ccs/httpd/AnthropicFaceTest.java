package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.auth.ApiKeys;
import dev.ccs.core.config.AuthConfig;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.SecurityConfig;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.MockAnthropic;
import dev.ccs.testkit.RealClaude;
import dev.ccs.testkit.RecordedRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Anthropic face driven by the official {@code @anthropic-ai/sdk} npm package through the real
 * CLI and the Java mock Messages API: a conversation of three turns in one CLI session (the second
 * streamed as raw events, the third through the SDK's stream helper), and the errors in Anthropic's shape.
 */
@Tag("real-cli")
@Timeout(300)
class AnthropicFaceTest {

  static final List<String> PACKAGES = List.of("@anthropic-ai/sdk@1.14.0");
  private static final String SECRET = "ccs_sk_" + "8".repeat(64);

  @TempDir
  Path temp;

  @Test
  void theOfficialSdkTalksToClaudeCodeThroughCcs() throws Exception {
    try (MockAnthropic mock = MockAnthropic.start()) {
      CcsConfig config = TestServer.config(temp.resolve("ccs"), RealClaude.executable()).toBuilder()
          .security(SecurityConfig.DEFAULT.withAuth(new AuthConfig(true, SECRET, true))).build();
      try (TestServer server = TestServer.start(config, RealClaude.environment(temp.resolve("home"), mock), b -> b)) {
        Map<String, JsonNode> steps = OfficialClientScript.run("anthropic-client", PACKAGES, "anthropic-client.mjs", temp,
            "http://127.0.0.1:" + server.port(), ApiKeys.legacyKey(SECRET));

        JsonNode first = steps.get("first");
        assertThat(first.path("text").asText()).isEqualTo("first answer");
        assertThat(first.path("type").asText()).isEqualTo("message");
        assertThat(first.path("role").asText()).isEqualTo("assistant");
        assertThat(first.path("id").asText()).startsWith("msg_");
        assertThat(first.path("blocks").asInt()).isEqualTo(1);
        assertThat(first.path("stop").asText()).isEqualTo("end_turn");
        assertThat(first.at("/usage/output_tokens").asInt()).isPositive();
        JsonNode stream = steps.get("stream");
        assertThat(stream.path("text").asText()).isEqualTo("second answer");
        assertThat(stream.path("stop").asText()).isEqualTo("end_turn");
        assertThat(stream.at("/usage/output_tokens").asInt()).isPositive();
        List<String> events = Json.mapper().convertValue(stream.path("events"),
            Json.mapper().getTypeFactory().constructCollectionType(List.class, String.class));
        assertThat(events.get(0)).isEqualTo("message_start");
        assertThat(events.get(1)).isEqualTo("content_block_start");
        assertThat(events).contains("content_block_delta");
        assertThat(events.subList(events.size() - 3, events.size()))
            .containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(steps.get("third").path("text").asText()).isEqualTo("third answer");

        // One CLI session for the three turns: each later turn resumed it with only its new message.
        assertThat(server.ccs().sessions().list(dev.ccs.core.session.SessionFilter.ALL, 10)).hasSize(1)
            .allSatisfy(s -> assertThat(s.messagesCount()).isEqualTo(3));
        List<RecordedRequest> calls = mock.messagesRequests();
        RecordedRequest last = calls.get(calls.size() - 1);
        assertThat(last.messageTexts("user")).anyMatch(t -> t.contains("first question"))
            .anyMatch(t -> t.contains("second question")).anyMatch(t -> t.contains("third question"))
            .noneMatch(t -> t.contains("This conversation began elsewhere"));
        assertThat(last.messageTexts("assistant")).contains("first answer", "second answer");

        OfficialClientScript.assertError(steps.get("badModel"), 404, "not_found_error", "gpt-4o");
        OfficialClientScript.assertError(steps.get("emptyMessages"), 400, "invalid_request_error", "messages");
        OfficialClientScript.assertError(steps.get("imageBlock"), 400, "invalid_request_error", "image");
        OfficialClientScript.assertError(steps.get("unauthorized"), 401, "authentication_error", "API key");
      }
    }
  }
}
