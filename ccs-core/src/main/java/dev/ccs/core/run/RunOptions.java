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
 * @param providerId the configured provider to run with ({@code provider_id}), or null for the next
 *     one in turn
 * @param warm for a session turn: whether it runs on a warm CLI process ({@code warm}), or null for
 *     the config's {@code warmSessions.enabled}
 */
public record RunOptions(String model, String systemPrompt, String appendSystemPrompt, BigDecimal maxBudgetUsd,
    Integer maxTurns, List<String> allowedTools, List<String> disallowedTools, String agent, String mcpConfig,
    PermissionMode permissionMode, String providerId, Boolean warm) {

  public static final RunOptions NONE = builder().build();

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
    return toBuilder().model(value).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().model(model).systemPrompt(systemPrompt).appendSystemPrompt(appendSystemPrompt)
        .maxBudgetUsd(maxBudgetUsd).maxTurns(maxTurns).allowedTools(allowedTools).disallowedTools(disallowedTools)
        .agent(agent).mcpConfig(mcpConfig).permissionMode(permissionMode).providerId(providerId).warm(warm);
  }

  /** Builds {@link RunOptions} by name; every option is optional. */
  public static final class Builder {
    private String model;
    private String systemPrompt;
    private String appendSystemPrompt;
    private BigDecimal maxBudgetUsd;
    private Integer maxTurns;
    private List<String> allowedTools = List.of();
    private List<String> disallowedTools = List.of();
    private String agent;
    private String mcpConfig;
    private PermissionMode permissionMode;
    private String providerId;
    private Boolean warm;

    private Builder() {
    }

    public Builder model(String value) { model = value; return this; }
    public Builder systemPrompt(String value) { systemPrompt = value; return this; }
    public Builder appendSystemPrompt(String value) { appendSystemPrompt = value; return this; }
    public Builder maxBudgetUsd(BigDecimal value) { maxBudgetUsd = value; return this; }
    public Builder maxTurns(Integer value) { maxTurns = value; return this; }
    public Builder allowedTools(List<String> value) { allowedTools = value; return this; }
    public Builder disallowedTools(List<String> value) { disallowedTools = value; return this; }
    public Builder agent(String value) { agent = value; return this; }
    public Builder mcpConfig(String value) { mcpConfig = value; return this; }
    public Builder permissionMode(PermissionMode value) { permissionMode = value; return this; }
    public Builder providerId(String value) { providerId = value; return this; }
    public Builder warm(Boolean value) { warm = value; return this; }

    public RunOptions build() {
      return new RunOptions(model, systemPrompt, appendSystemPrompt, maxBudgetUsd, maxTurns, allowedTools,
          disallowedTools, agent, mcpConfig, permissionMode, providerId, warm);
    }
  }
}
