package dev.ccs.httpd.handlers;

import dev.ccs.core.auth.Scope;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.exec.PermissionMode;
import dev.ccs.core.run.RunOptions;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.BodyFields;
import java.math.BigDecimal;

/** The run options shared by the message, continue and task endpoints, in the Node server's field names. */
final class RunOptionsFields {

  private RunOptionsFields() {
  }

  /**
   * Reads {@code model}, {@code system_prompt}, ..., in the order the Node server's schema lists them
   * (so that the first bad field is the one it would name).
   */
  static RunOptions read(BodyFields fields) {
    return readAfterModel(fields, fields.optionalString("model"));
  }

  /** As {@link #read}, for endpoints whose schema has {@code model} earlier, already read. */
  static RunOptions readAfterModel(BodyFields fields, String model) {
    RunOptions.Builder options = RunOptions.builder().model(model)
        .systemPrompt(fields.optionalString("system_prompt"))
        .maxBudgetUsd(fields.optionalNumber("max_budget_usd", BigDecimal.ZERO, null))
        .allowedTools(fields.optionalStringArray("allowed_tools"))
        .disallowedTools(fields.optionalStringArray("disallowed_tools"))
        .agent(fields.optionalString("agent"))
        .mcpConfig(fields.optionalStringOrObject("mcp_config"));
    String mode = fields.optionalOneOf("permission_mode", PermissionMode.wireNames());
    return options.permissionMode(mode == null ? null : PermissionMode.fromWireName(mode).orElseThrow())
        .appendSystemPrompt(fields.optionalString("append_system_prompt"))
        .maxTurns(fields.optionalInteger("max_turns", 1, 10_000))
        .warm(fields.optionalBoolean("warm"))
        .build();
  }

  /**
   * Notes for the audit log what in {@code options} widens what a run may do beyond the defaults:
   * skipping permission checks, or an MCP config of the request's own (both only when allowed).
   */
  static RunOptions audited(ApiRequest request, RunOptions options) {
    boolean bypass = options.permissionMode() == PermissionMode.BYPASS_PERMISSIONS;
    boolean mcp = options.mcpConfig() != null && !options.mcpConfig().isBlank();
    if ((bypass || mcp) && !request.callerMay(Scope.ADMIN)) {
      // A key with scopes is narrowed to the server's defaults: escalations need admin.
      throw new CcsException.Forbidden("escalation_needs_admin", (bypass ? "permission_mode \"bypassPermissions\""
          : "\"mcp_config\"") + " needs a key with the admin scope (or one without scopes)");
    }
    if (bypass) {
      request.auditNote("permission_mode=bypassPermissions");
    }
    if (mcp) {
      request.auditNote("mcp_config");
    }
    return options;
  }
}
