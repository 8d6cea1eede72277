package dev.ccs.core.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.config.LimitsConfig;
import dev.ccs.core.exec.PermissionMode;
import dev.ccs.core.json.Json;
import dev.ccs.core.money.Decimals;
import dev.ccs.core.run.RunOptions;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class InputLimitsTest {

  private final InputLimits limits = new InputLimits(LimitsConfig.DEFAULT.toBuilder()
      .maxPromptBytes(1024).maxMetadataBytes(256).maxMetadataDepth(4).maxArgumentBytes(512).build());

  private static RunOptions options(String model, String systemPrompt, List<String> tools, String agent, String mcp) {
    return RunOptions.builder().model(model).systemPrompt(systemPrompt).allowedTools(tools).agent(agent).mcpConfig(mcp)
        .permissionMode(PermissionMode.DEFAULT).build();
  }

  @Test
  void promptsAreMeasuredInUtf8Bytes() {
    assertThatCode(() -> limits.checkPrompt("x".repeat(1024))).doesNotThrowAnyException();
    assertThatThrownBy(() -> limits.checkPrompt("x".repeat(1025)))
        .isInstanceOf(CcsException.PayloadTooLarge.class).hasMessageContaining("limits.maxPromptBytes");
    // 342 three-byte characters are 1026 bytes.
    assertThatThrownBy(() -> limits.checkPrompt("€".repeat(342))).isInstanceOf(CcsException.PayloadTooLarge.class);
    assertThatThrownBy(() -> limits.checkPrompt("")).isInstanceOf(CcsException.InvalidRequest.class);
  }

  @Test
  void valuesThatBecomeArgumentsHoldNoNulAndNoControlCharacters() {
    assertThatCode(() -> limits.checkOptions(options("claude-sonnet-4-5", "Be brief.\nUse\ttabs.", List.of("Bash(git:*)"),
        "reviewer", "{\"mcpServers\":{}}"))).doesNotThrowAnyException();
    assertThatThrownBy(() -> limits.checkOptions(options("son\0net", null, List.of(), null, null)))
        .hasMessageContaining("\"model\"").hasMessageContaining("control character");
    assertThatThrownBy(() -> limits.checkOptions(options(null, "a\0b", List.of(), null, null)))
        .hasMessageContaining("\"system_prompt\"").hasMessageContaining("NUL");
    assertThatThrownBy(() -> limits.checkOptions(options(null, "ring \u0007 bell", List.of(), null, null)))
        .hasMessageContaining("\"system_prompt\"");
    assertThatThrownBy(() -> limits.checkOptions(options(null, null, List.of("Read", "Bash\n"), null, null)))
        .hasMessageContaining("\"allowed_tools[1]\"");
    assertThatThrownBy(() -> limits.checkOptions(options(null, null, List.of(), "a\u001bgent", null)))
        .hasMessageContaining("\"agent\"");
    assertThatThrownBy(() -> limits.checkOptions(options(null, null, List.of(), null, "{}\0")))
        .hasMessageContaining("\"mcp_config\"");
  }

  @Test
  void argumentsAreBoundedInLength() {
    assertThatThrownBy(() -> limits.checkOptions(options("m".repeat(257), null, List.of(), null, null)))
        .isInstanceOf(CcsException.InvalidRequest.class).hasMessageContaining("256");
    assertThatThrownBy(() -> limits.checkOptions(options(null, "s".repeat(513), List.of(), null, null)))
        .isInstanceOf(CcsException.PayloadTooLarge.class).hasMessageContaining("limits.maxArgumentBytes");
    assertThatThrownBy(() -> limits.checkOptions(options(null, null, Collections.nCopies(101, "Read"), null, null)))
        .hasMessageContaining("more than 100");
    assertThatThrownBy(() -> limits.checkOptions(options(null, null, List.of("x".repeat(513)), null, null)))
        .hasMessageContaining("\"allowed_tools[0]\"");
  }

  @Test
  void metadataIsBoundedInDepthSizeAndNumbers() throws Exception {
    ObjectNode fine = (ObjectNode) Json.parse("{\"a\":{\"b\":{\"c\":[1,2.5,\"x\"]}}}");
    assertThatCode(() -> limits.checkMetadata(fine)).doesNotThrowAnyException();
    ObjectNode deep = (ObjectNode) Json.parse("{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}"); // five levels
    assertThatThrownBy(() -> limits.checkMetadata(deep)).hasMessageContaining("limits.maxMetadataDepth");
    ObjectNode large = Json.object().put("text", "x".repeat(300));
    assertThatThrownBy(() -> limits.checkMetadata(large)).isInstanceOf(CcsException.PayloadTooLarge.class);
    ObjectNode absurd = (ObjectNode) Json.parse("{\"n\":1e-999999999}");
    assertThatThrownBy(() -> limits.checkMetadata(absurd)).hasMessageContaining("number");
    assertThatThrownBy(() -> limits.checkMetadata(Json.parse("[1]"))).hasMessageContaining("object");
  }

  @Test
  void amountsHaveBoundedScaleAndSizeWhateverTheirExponent() {
    assertThat(Decimals.check("max_budget_usd", new BigDecimal("0.000001"))).isEqualByComparingTo("0.000001");
    assertThat(Decimals.check("max_budget_usd", new BigDecimal("2.50000000000000000000"))).isEqualByComparingTo("2.5");
    assertThat(Decimals.check("max_budget_usd", new BigDecimal("1E+3"))).isEqualByComparingTo("1000");
    // Expanding 1e-999999999 would take gigabytes: the class timeout would fail it long before.
    for (String bad : new String[] {"1e-999999999", "1e999999999", "0.0000000000001", "1e16"}) {
      assertThatThrownBy(() -> Decimals.check("max_budget_usd", new BigDecimal(bad))).as(bad)
          .isInstanceOf(CcsException.InvalidRequest.class).hasMessageContaining("\"max_budget_usd\"");
    }
  }
}
