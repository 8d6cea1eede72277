package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.RateLimitConfig;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.FakeClaude;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The faces' refusals that need a server state (over budget, rate-limited) and bad input, each in its face's shape. */
@Timeout(60)
class FaceErrorsTest {

  @TempDir
  Path temp;

  private static TestServer.Reply chat(TestServer server, String body) {
    return server.send(HttpRequest.newBuilder(server.uri("/v1/chat/completions")).header("Content-Type",
        "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static void assertOpenAiError(TestServer.Reply reply, int status, String type, String code) throws Exception {
    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    JsonNode error = Json.parse(reply.text()).path("error");
    assertThat(error.path("type").asText()).isEqualTo(type);
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isNotBlank();
    assertThat(error.has("param")).isTrue();
    assertThat(Json.parse(reply.text()).has("success")).as("not ccs's own shape").isFalse();
  }

  /**
   * A run the budget cuts short answers with {@code finish_reason: "length"}; once the session has
   * spent its cap, the next turn is refused before any run, in OpenAI's shape.
   */
  @Test
  void aConversationOverItsBudgetIsCutShortThenRefusedInOpenAisShape() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .maxBudgetUsd(new BigDecimal("0.0005")).build();
    try (TestServer server = TestServer.start(config)) {
      TestServer.Reply first = chat(server, "{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      assertThat(first.status()).as(first.text()).isEqualTo(200);
      assertThat(first.json().at("/choices/0/finish_reason").asText()).isEqualTo("length");
      String answer = first.json().at("/choices/0/message/content").asText();
      TestServer.Reply second = chat(server, "{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
          + "{\"role\":\"assistant\",\"content\":" + Json.write(Json.mapper().getNodeFactory().textNode(answer))
          + "},{\"role\":\"user\",\"content\":\"more\"}]}");
      assertOpenAiError(second, 402, "invalid_request_error", "budget_exceeded");
      assertThat(fake.invocationCount()).as("the CLI did not run again").isEqualTo(1);
      // The same session through the Anthropic face: its shape, the same status.
      TestServer.Reply anthropic = server.send(HttpRequest.newBuilder(server.uri("/v1/messages"))
          .header("Content-Type", "application/json").header("X-Session-Id", first.json().path("session_id").asText())
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sonnet\",\"max_tokens\":10,\"messages\":"
              + "[{\"role\":\"user\",\"content\":\"more\"}]}")));
      assertAnthropicError(anthropic, 402, "invalid_request_error");
      assertThat(anthropic.json().at("/error/message").asText()).containsIgnoringCase("budget");
    }
  }

  @Test
  void aRateLimitedClientGetsOpenAisShapeWithRetryAfter() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .rateLimit(new RateLimitConfig(true, Duration.ofMinutes(1), 1)).build();
    try (TestServer server = TestServer.start(config)) {
      TestServer.Reply models = server.get("/v1/models");
      assertThat(models.status()).isEqualTo(200);
      assertThat(models.json().path("object").asText()).isEqualTo("list");
      TestServer.Reply limited = server.get("/v1/models");
      assertOpenAiError(limited, 429, "rate_limit_error", "rate_limited");
      assertThat(limited.response().headers().firstValue("Retry-After")).isPresent();
      TestServer.Reply anthropic = server.send(HttpRequest.newBuilder(server.uri("/v1/messages"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
      assertAnthropicError(anthropic, 429, "rate_limit_error");
      assertThat(anthropic.response().headers().firstValue("Retry-After")).isPresent();
    }
  }

  private static void assertAnthropicError(TestServer.Reply reply, int status, String type) throws Exception {
    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    JsonNode body = Json.parse(reply.text());
    assertThat(body.path("type").asText()).isEqualTo("error");
    assertThat(body.at("/error/type").asText()).isEqualTo(type);
    assertThat(body.at("/error/message").asText()).isNotBlank();
    assertThat(body.has("success")).as("not ccs's own shape").isFalse();
  }

  @Test
  void anthropicInputErrorsComeInItsShape() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);
    try (TestServer server = TestServer.start(TestServer.config(temp.resolve("home"), fake.executable()))) {
      for (String body : new String[] {"{\"model\": ", "{\"model\":\"sonnet\",\"messages\":[]}",
          "{\"model\":\"sonnet\",\"max_tokens\":10,\"messages\":[]}",
          "{\"model\":\"sonnet\",\"max_tokens\":10,\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}"}) {
        assertAnthropicError(server.send(HttpRequest.newBuilder(server.uri("/v1/messages"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))), 400,
            "invalid_request_error");
      }
      assertThat(fake.invocationCount()).isZero();
    }
  }

  @Test
  void malformedJsonAndAnUnknownFaceRouteAreOpenAiErrorsToo() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);
    try (TestServer server = TestServer.start(TestServer.config(temp.resolve("home"), fake.executable()))) {
      assertOpenAiError(chat(server, "{\"model\": "), 400, "invalid_request_error", "malformed_json");
      TestServer.Reply unknown = server.get("/v1/embeddings");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(Json.parse(unknown.text()).at("/error/type").asText()).isEqualTo("not_found_error");
      assertOpenAiError(chat(server, "{\"model\":\"sonnet\",\"messages\":[{\"role\":\"assistant\",\"content\":\"x\"}]}"),
          400, "invalid_request_error", "invalid_value");
    }
  }
}
