package dev.ccs.httpd.handlers;

import dev.ccs.core.exec.PermissionMode;
import dev.ccs.core.run.RunOptions;
import dev.ccs.httpd.routing.BodyFields;
import java.math.BigDecimal;
import java.util.List;

/** The run options shared by the message, continue and task endpoints, in the Node server's field names. */
final class RunOptionsFields {

  private RunOptionsFields() {
  }

  /** Reads {@code model}, {@code system_prompt}, ..., in the order the Node server's schema lists them. */
  static RunOptions read(BodyFields fields, boolean withModel, boolean withAgentAndMcp) {
    String model = withModel ? fields.optionalString("model") : null;
    String systemPrompt = fields.optionalString("system_prompt");
    BigDecimal maxBudget = fields.optionalNumber("max_budget_usd", BigDecimal.ZERO, null);
    List<String> allowed = fields.optionalStringArray("allowed_tools");
    List<String> disallowed = fields.optionalStringArray("disallowed_tools");
    String agent = withAgentAndMcp ? fields.optionalString("agent") : null;
    String mcpConfig = withAgentAndMcp ? fields.optionalString("mcp_config") : null;
    String mode = fields.optionalOneOf("permission_mode", PermissionMode.wireNames());
    String appendSystemPrompt = fields.optionalString("append_system_prompt");
    Integer maxTurns = fields.optionalInteger("max_turns", 1, 10_000);
    return new RunOptions(model, systemPrompt, appendSystemPrompt, maxBudget, maxTurns, allowed, disallowed, agent,
        mcpConfig, mode == null ? null : PermissionMode.fromWireName(mode).orElseThrow());
  }
}
