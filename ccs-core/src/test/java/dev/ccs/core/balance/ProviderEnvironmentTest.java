package dev.ccs.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.error.CcsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderEnvironmentTest {

  @TempDir
  Path temp;

  @Test
  void apiKeySetsBothCredentialsThenBaseUrlThenEnvAsGiven() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ANTHROPIC_MODEL", "glm-4");
    env.put("ANTHROPIC_API_KEY", "");
    ProviderConfig gateway = new ProviderConfig("gw", "Gateway", "sk-gw", "http://127.0.0.1:9/gw", 1, true, env);

    Map<String, String> result = ProviderEnvironment.of(gateway, Map.of());

    assertThat(result).containsEntry("ANTHROPIC_AUTH_TOKEN", "sk-gw")
        .containsEntry("ANTHROPIC_BASE_URL", "http://127.0.0.1:9/gw")
        .containsEntry("ANTHROPIC_MODEL", "glm-4")
        // An empty string in env stays an empty string, and env comes last: the gateway wants a bearer token only.
        .containsEntry("ANTHROPIC_API_KEY", "");
  }

  @Test
  void apiKeyMayComeFromTheServersEnvironmentOrAFileAndTheConfigKeepsTheReference() throws Exception {
    Path keyFile = temp.resolve("key");
    Files.writeString(keyFile, "sk-from-file\n");
    ProviderConfig fromEnv = new ProviderConfig("a", null, "${env:CCS_TEST_KEY}", null, 1, true,
        Map.of("EXTRA", "${file:" + keyFile + "}"));
    ProviderConfig fromFile = new ProviderConfig("b", null, "${file:" + keyFile + "}", null, 1, true, Map.of());

    assertThat(ProviderEnvironment.of(fromEnv, Map.of("CCS_TEST_KEY", "sk-from-env")))
        .containsEntry("ANTHROPIC_API_KEY", "sk-from-env").containsEntry("EXTRA", "sk-from-file");
    assertThat(ProviderEnvironment.of(fromFile, Map.of())).containsEntry("ANTHROPIC_AUTH_TOKEN", "sk-from-file");
    assertThat(fromEnv.apiKey()).isEqualTo("${env:CCS_TEST_KEY}");

    // A rotated key file is read by the next run.
    Files.writeString(keyFile, "sk-rotated");
    assertThat(ProviderEnvironment.of(fromFile, Map.of())).containsEntry("ANTHROPIC_API_KEY", "sk-rotated");
  }

  @Test
  void anUnresolvableReferenceFailsTheRunNamingTheVariableNeverAValue() {
    ProviderConfig missing = new ProviderConfig("a", null, "${env:CCS_NOT_SET}", null, 1, true, Map.of());
    ProviderConfig noFile = new ProviderConfig("b", null, "${file:" + temp.resolve("none") + "}", null, 1, true,
        Map.of());

    assertThatThrownBy(() -> ProviderEnvironment.of(missing, Map.of("OTHER", "sk-secret")))
        .isInstanceOf(CcsException.Unavailable.class).hasMessageContaining("CCS_NOT_SET")
        .hasMessageNotContaining("sk-secret");
    assertThatThrownBy(() -> ProviderEnvironment.of(noFile, Map.of()))
        .isInstanceOf(CcsException.Unavailable.class).hasMessageContaining("none");
  }

  @Test
  void malformedReferencesAreRefusedWhenTheConfigIsRead() {
    assertThatThrownBy(() -> new ProviderConfig("a", null, "${vault:x}", null, 1, true, Map.of()))
        .hasMessageContaining("providers[].apiKey").hasMessageContaining("${env:NAME}");
    assertThatThrownBy(() -> new ProviderConfig("a", null, "${file:relative/key}", null, 1, true, Map.of()))
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> new ProviderConfig("a", null, "k", null, 1, true, Map.of("X", "${env:1bad}")))
        .hasMessageContaining("providers[].env.X");
    assertThatThrownBy(() -> new ProviderConfig("a", null, "k", null, 11, true, Map.of()))
        .hasMessageContaining("weight");
  }
}
