package dev.ccs.core.run;

import dev.ccs.core.exec.PermissionMode;
import java.math.BigDecimal;
import java.util.List;

/**
 * What a client may choose about a run, beside the prompt and where it runs. Every field is
 * optional (null or empty); {@link RunPolicy} applies the server's defaults and limits.
 *
 * @param model model id or alias; default {@code defaultModel} of the config
 * @param systemPrompt replaces the CLI's system prompt
 * @param appendSystemPrompt appended to the CLI's system prompt
 * @param maxBudgetUsd spending cap of this request; the config's cap still applies
 * @param maxTurns cap on model round trips
 * @param allowedTools permission rules that allow tools ({@code "Bash(git:*)"}, {@code "Read"})
 * @param disallowedTools tools removed from the model
 * @param agent {@code --agent}
 * @param mcpConfig an MCP config (path or JSON), only if the config allows request MCP configs
 * @param permissionMode {@code bypassPermissions} only if the config allows it
 */
public record RunOptions(String model, String systemPrompt, String appendSystemPrompt, BigDecimal maxBudgetUsd,
    Integer maxTurns, List<String> allowedTools, List<String> disallowedTools, String agent, String mcpConfig,
    PermissionMode permissionMode) {

  public static final RunOptions NONE = new RunOptions(null, null, null, null, null, List.of(), List.of(), null,
      null, null);

  public RunOptions {
    allowedTools = allowedTools == null ? List.of() : List.copyOf(allowedTools);
    disallowedTools = disallowedTools == null ? List.of() : List.copyOf(disallowedTools);
    if (maxBudgetUsd != null && maxBudgetUsd.signum() < 0) {
      throw new IllegalArgumentException("maxBudgetUsd must be >= 0");
    }
    if (maxTurns != null && maxTurns < 1) {
      throw new IllegalArgumentException("maxTurns must be >= 1");
    }
  }

  /** The same options with another model. */
  public RunOptions withModel(String value) {
    return new RunOptions(value, systemPrompt, appendSystemPrompt, maxBudgetUsd, maxTurns, allowedTools,
        disallowedTools, agent, mcpConfig, permissionMode);
  }
}
