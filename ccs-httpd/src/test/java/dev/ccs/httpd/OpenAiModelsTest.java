package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigException;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.core.config.OpenAiConfig;
import dev.ccs.testkit.FakeClaude;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code openai.models}: names clients send mapped to CLI models, listed by {@code GET /v1/models}. */
@Timeout(60)
class OpenAiModelsTest {

  @TempDir
  Path temp;

  @Test
  void anAliasRunsOnItsCliModelAndIsListed() throws Exception {
    FakeClaude fake = FakeClaude.create(temp);
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .openai(new OpenAiConfig(Map.of("gpt-4o", "haiku"))).build();
    try (TestServer server = TestServer.start(config)) {
      List<String> ids = new ArrayList<>();
      server.get("/v1/models").json().path("data").forEach(m -> ids.add(m.path("id").asText()));
      assertThat(ids).containsExactly("gpt-4o", "sonnet", "opus", "haiku");

      TestServer.Reply reply = server.send(HttpRequest.newBuilder(server.uri("/v1/chat/completions"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
      assertThat(reply.status()).as(reply.text()).isEqualTo(200);
      assertThat(reply.json().path("model").asText()).as("the name the client asked for").isEqualTo("gpt-4o");
      assertThat(fake.takeInvocation().flag("--model")).isEqualTo("haiku");
      TestServer.Reply unknown = server.send(HttpRequest.newBuilder(server.uri("/v1/chat/completions"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
      assertThat(unknown.status()).isEqualTo(404);
      JsonNode error = unknown.json().path("error");
      assertThat(error.path("code").asText()).isEqualTo("model_not_found");
      assertThat(error.path("message").asText()).contains("openai.models");
    }
  }

  @Test
  void theConfigKeyIsReadWrittenAndChecked() throws Exception {
    Path file = temp.resolve("config.json");
    Files.writeString(file, "{\"openai\": {\"models\": {\"gpt-4o\": \"sonnet\", \"gpt-4o-mini\": \"haiku\"}}}");
    CcsConfig config = ConfigLoader.load(file, Map.of()).config();
    assertThat(config.openai().models()).containsExactly(Map.entry("gpt-4o", "sonnet"), Map.entry("gpt-4o-mini", "haiku"));
    assertThat(ConfigLoader.toJson(config).at("/openai/models/gpt-4o-mini").asText()).isEqualTo("haiku");
    Files.writeString(file, "{\"openai\": {\"models\": [\"gpt-4o\"]}}");
    Assertions.assertThatThrownBy(() -> ConfigLoader.load(file, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("openai.models");
    Files.writeString(file, "{\"openai\": {\"models\": {\"gpt-4o\": \"\"}}}");
    Assertions.assertThatThrownBy(() -> ConfigLoader.load(file, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("openai.models");
  }
}
