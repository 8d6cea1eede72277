package dev.ccs.core.warm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.exec.ClaudeRequest;
import dev.ccs.core.exec.OutputFormat;
import dev.ccs.core.exec.PermissionMode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** What pins a warm process, and what a turn may change without a new one. */
class FingerprintTest {

  private static final UUID SESSION = UUID.randomUUID();

  private static ClaudeRequest.Builder base() {
    return ClaudeRequest.builder("hello", Path.of("/srv/work")).model("sonnet").resumeSession(SESSION)
        .putEnvironment("ANTHROPIC_API_KEY", "sk-secret-one").maxBudgetUsd(new BigDecimal("1.5"));
  }

  private static String of(UnaryOperator<ClaudeRequest.Builder> change) {
    return Fingerprint.of("claude", change.apply(base()).build());
  }

  @Test
  void whatChangesFromTurnToTurnDoesNotChangeIt() {
    String fingerprint = of(b -> b);
    assertThat(of(b -> b.prompt("another question"))).isEqualTo(fingerprint);
    assertThat(of(b -> b.outputFormat(OutputFormat.STREAM_JSON).includePartialMessages(true))).isEqualTo(fingerprint);
    assertThat(of(b -> b.timeout(Duration.ofSeconds(3)))).isEqualTo(fingerprint);
    assertThat(of(b -> b.newSession(SESSION))).isEqualTo(fingerprint);
    // The budget is compared on its own, against what the process may still spend.
    assertThat(of(b -> b.maxBudgetUsd(new BigDecimal("0.25")))).isEqualTo(fingerprint);
  }

  @Test
  void everyOptionFixedAtTheCliStartChangesIt() {
    String fingerprint = of(b -> b);
    List<String> others = List.of(
        of(b -> b.model("opus")),
        of(b -> b.systemPrompt("be brief")),
        of(b -> b.appendSystemPrompt("and kind")),
        of(b -> b.allowedTools(List.of("Read"))),
        of(b -> b.disallowedTools(List.of("Bash"))),
        of(b -> b.maxTurns(3)),
        of(b -> b.agent("reviewer")),
        of(b -> b.permissionMode(PermissionMode.fromWireName("plan").orElseThrow())),
        of(b -> b.mcpConfigs(List.of("/etc/ccs/mcp.json"))),
        of(b -> b.settingsFile(Path.of("/var/ccs/provider-a.json"))),
        of(b -> b.workingDirectory(Path.of("/srv/other"))),
        of(b -> b.putEnvironment("ANTHROPIC_API_KEY", "sk-secret-two")),
        of(b -> b.putEnvironment("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")));
    assertThat(others).doesNotContain(fingerprint).doesNotHaveDuplicates();
  }

  @Test
  void itIsADigestThatHoldsNoCredential() {
    String fingerprint = of(b -> b);
    assertThat(fingerprint).matches("[0-9a-f]{64}").doesNotContain("secret");
  }
}
