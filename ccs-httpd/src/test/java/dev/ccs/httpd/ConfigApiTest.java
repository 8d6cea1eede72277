package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.AuthConfig;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigRedaction;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.config.SecurityConfig;
import dev.ccs.core.config.WebhookConfig;
import dev.ccs.testkit.FakeClaude;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/config}: the effective config, never a secret. */
@Timeout(60)
class ConfigApiTest {

  private static final String AUTH_SECRET = "ccs_sk_0123456789abcdef0123456789";
  private static final String PROVIDER_KEY = "sk-ant-provider-key-123";
  private static final String GATEWAY_TOKEN = "gw-token-456";
  private static final String WEBHOOK_SECRET = "whsec_webhook_secret_789";
  private static final String EXEC_TOKEN = "exec-token-abc";

  @TempDir
  Path temp;

  private TestServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  /** Node defect #5: GET /api/config hid only the auth secret; provider keys and env came back in clear. */
  @Test
  void everySecretIsHiddenAndReferencesAreShownAsWritten() {
    CcsConfig base = TestServer.config(temp.resolve("home"), FakeClaude.create(temp).executable());
    WebhookConfig webhook = base.webhook();
    server = TestServer.start(base.toBuilder()
        .security(SecurityConfig.DEFAULT.withAuth(new AuthConfig(true, AUTH_SECRET, true)))
        .webhook(new WebhookConfig(webhook.enabled(), webhook.defaultUrl(), webhook.timeout(), webhook.retries(),
            WEBHOOK_SECRET, webhook.allowPrivateTargets()))
        .execution(base.execution().toBuilder().env(Map.of("GITHUB_TOKEN", EXEC_TOKEN, "LANG", "C.UTF-8")).build())
        .providers(List.of(
            new ProviderConfig("a", "A", PROVIDER_KEY, "http://127.0.0.1:9/a", 1, true,
                Map.of("ANTHROPIC_AUTH_TOKEN", GATEWAY_TOKEN, "ANTHROPIC_MODEL", "glm-4")),
            new ProviderConfig("b", "B", "${env:KEY_B}", null, 1, true, Map.of())))
        .build());
    String key = dev.ccs.core.auth.ApiKeys.legacyKey(AUTH_SECRET);

    assertThat(server.get("/api/config").status()).isEqualTo(401);
    TestServer.Reply reply = server.send(HttpRequest.newBuilder(server.uri("/api/config"))
        .header("Authorization", "Bearer " + key));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.text()).doesNotContain(AUTH_SECRET, PROVIDER_KEY, GATEWAY_TOKEN, WEBHOOK_SECRET, EXEC_TOKEN, key);
    JsonNode config = reply.json().path("config");
    assertThat(config.at("/security/auth/secretKey").asText()).isEqualTo(ConfigRedaction.HIDDEN);
    assertThat(config.at("/webhook/secret").asText()).isEqualTo(ConfigRedaction.HIDDEN);
    assertThat(config.at("/execution/env/GITHUB_TOKEN").asText()).isEqualTo(ConfigRedaction.HIDDEN);
    assertThat(config.at("/execution/env/LANG").asText()).isEqualTo("C.UTF-8");
    assertThat(config.at("/providers/0/apiKey").asText()).isEqualTo(ConfigRedaction.HIDDEN);
    assertThat(config.at("/providers/0/env/ANTHROPIC_AUTH_TOKEN").asText()).isEqualTo(ConfigRedaction.HIDDEN);
    assertThat(config.at("/providers/0/env/ANTHROPIC_MODEL").asText()).isEqualTo("glm-4");
    assertThat(config.at("/providers/1/apiKey").asText()).isEqualTo("${env:KEY_B}");
    assertThat(config.path("port").asInt()).isZero();
    assertThat(reply.json().path("pending_restart")).isEmpty();
  }
}
