package dev.ccs.core.run;

import dev.ccs.core.CcsException;
import dev.ccs.core.balance.ProviderEnvironment;
import dev.ccs.core.balance.Providers;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.exec.ClaudeRequest;
import dev.ccs.core.exec.PermissionMode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns a client's prompt and {@link RunOptions} into a {@link ClaudeRequest} under the server's
 * rules: default model, the smaller of the request's and the config's budget, the server's MCP
 * config, refusal of what the operator did not allow (permission bypass, request MCP configs), and
 * the credentials of the chosen provider.
 */
public final class RunPolicy {

  private final CcsConfig config;
  private final Providers providers;

  public RunPolicy(CcsConfig config) {
    this.config = config;
    this.providers = new Providers(config.providers());
  }

  /**
   * A request builder for one run; the caller adds output format, session and timeout.
   *
   * @param budgetLeftUsd what the caller's own limit (a session's remaining budget) still allows,
   *     or null for none
   * @throws CcsException.Forbidden for options the server's config does not allow
   */
  public ClaudeRequest.Builder plan(String prompt, Path workingDirectory, RunOptions options, BigDecimal budgetLeftUsd) {
    ClaudeRequest.Builder builder = ClaudeRequest.builder(prompt, workingDirectory)
        .model(options.model() != null && !options.model().isBlank() ? options.model() : config.defaultModel())
        .systemPrompt(options.systemPrompt())
        .appendSystemPrompt(options.appendSystemPrompt())
        .maxTurns(options.maxTurns())
        .maxBudgetUsd(min(options.maxBudgetUsd(), budgetLeftUsd))
        .allowedTools(options.allowedTools())
        .disallowedTools(options.disallowedTools())
        .agent(blankToNull(options.agent()));
    if (options.permissionMode() == PermissionMode.BYPASS_PERMISSIONS) {
      if (!config.allowDangerouslySkipPermissions()) {
        throw new CcsException.Forbidden("permission_bypass_disabled", "permission_mode \"bypassPermissions\" is "
            + "disabled on this server (allowDangerouslySkipPermissions is false in its config)");
      }
      // As root the CLI refuses to bypass permissions unless told it runs in a sandbox; the operator
      // said so by allowing the bypass.
      builder.putEnvironment("IS_SANDBOX", "1");
    }
    builder.permissionMode(options.permissionMode());
    if (options.mcpConfig() != null && !options.mcpConfig().isBlank()) {
      if (!config.mcp().allowRequestConfig()) {
        throw new CcsException.Forbidden("mcp_config_disabled", "\"mcp_config\" in a request is disabled on this "
            + "server (an MCP config can start any command; set mcp.allowRequestConfig to allow it)");
      }
      builder.mcpConfigs(List.of(options.mcpConfig()));
    } else if (config.mcp().enabled()) {
      builder.mcpConfigs(List.of(config.mcp().configPath().toString()));
    }
    builder.strictMcpConfig(config.mcp().strict());
    providers.next().ifPresent(provider -> ProviderEnvironment.of(provider).forEach(builder::putEnvironment));
    return builder;
  }

  /** The request's cap, the config's cap and the caller's limit, whichever is smallest. */
  private BigDecimal min(BigDecimal requested, BigDecimal callerLimit) {
    BigDecimal result = requested;
    for (BigDecimal cap : new BigDecimal[] {config.maxBudgetUsd(), callerLimit}) {
      if (cap != null && (result == null || cap.compareTo(result) < 0)) {
        result = cap;
      }
    }
    return result;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
