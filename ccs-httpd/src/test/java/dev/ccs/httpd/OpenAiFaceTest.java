package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.auth.ApiKeys;
import dev.ccs.core.config.AuthConfig;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.SecurityConfig;
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
 * The OpenAI face driven by the official {@code openai} npm package (installed by the test as the
 * real CLI is), through the real CLI and the Java mock Messages API: a conversation of three turns
 * (the last streamed) that stays in one CLI session, the model list, and the errors in OpenAI's shape.
 */
@Tag("real-cli")
@Timeout(300)
class OpenAiFaceTest {

  static final List<String> PACKAGES = List.of("openai@6.30.1");
  private static final String SECRET = "ccs_sk_" + "7".repeat(64);

  @TempDir
  Path temp;

  @Test
  void theOfficialClientTalksToClaudeCodeThroughCcs() throws Exception {
    try (MockAnthropic mock = MockAnthropic.start()) {
      CcsConfig config = TestServer.config(temp.resolve("ccs"), RealClaude.executable()).toBuilder()
          .security(SecurityConfig.DEFAULT.withAuth(new AuthConfig(true, SECRET, true))).build();
      try (TestServer server = TestServer.start(config, RealClaude.environment(temp.resolve("home"), mock), b -> b)) {
        Map<String, JsonNode> steps = OfficialClientScript.run("openai-client", PACKAGES, "openai-client.mjs", temp,
            "http://127.0.0.1:" + server.port(), ApiKeys.legacyKey(SECRET));

        JsonNode first = steps.get("first");
        assertThat(first.path("content").asText()).isEqualTo("first answer");
        assertThat(first.path("object").asText()).isEqualTo("chat.completion");
        assertThat(first.path("id").asText()).startsWith("chatcmpl-");
        assertThat(first.path("role").asText()).isEqualTo("assistant");
        assertThat(first.path("finish").asText()).isEqualTo("stop");
        assertThat(first.at("/usage/completion_tokens").asInt()).isPositive();
        assertThat(first.at("/usage/total_tokens").asInt())
            .isEqualTo(first.at("/usage/prompt_tokens").asInt() + first.at("/usage/completion_tokens").asInt());
        assertThat(steps.get("second").path("content").asText()).isEqualTo("second answer");
        JsonNode stream = steps.get("stream");
        assertThat(stream.path("text").asText()).isEqualTo("streamed third answer");
        assertThat(stream.path("role").asText()).isEqualTo("assistant");
        assertThat(stream.path("finish").asText()).isEqualTo("stop");
        assertThat(stream.at("/usage/completion_tokens").asInt()).isPositive();
        assertThat(stream.path("chunks").asInt()).isGreaterThanOrEqualTo(4);

        // One CLI session: the second and third turns resumed it, sending only their new message.
        String session = first.path("session").asText();
        assertThat(steps.get("second").path("session").asText()).isEqualTo(session);
        assertThat(server.ccs().sessions().get(java.util.UUID.fromString(session)).messagesCount()).isEqualTo(3);
        List<RecordedRequest> calls = mock.messagesRequests();
        RecordedRequest last = calls.get(calls.size() - 1);
        assertThat(last.messageTexts("user")).anyMatch(t -> t.contains("first question"))
            .anyMatch(t -> t.contains("second question")).anyMatch(t -> t.contains("third question"))
            .noneMatch(t -> t.contains("This conversation began elsewhere"));
        assertThat(last.messageTexts("assistant")).contains("first answer", "second answer");

        assertThat(steps.get("models").path("ids").toString()).contains("sonnet", "opus", "haiku");
        OfficialClientScript.assertError(steps.get("badModel"), 404, "not_found_error", "gpt-4o");
        OfficialClientScript.assertError(steps.get("emptyMessages"), 400, "invalid_request_error", "messages");
        OfficialClientScript.assertError(steps.get("imagePart"), 400, "invalid_request_error", "image_url");
        OfficialClientScript.assertError(steps.get("tools"), 400, "invalid_request_error", "tools");
        OfficialClientScript.assertError(steps.get("unauthorized"), 401, "authentication_error", "API key");
      }
    }
  }
}
