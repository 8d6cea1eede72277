package dev.ccs.core.exec;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One run of the CLI: the prompt and every option that becomes a flag, the working directory and
 * extra environment. Build with {@link #builder(String, Path)}.
 *
 * @param prompt sent on stdin, so no flag can swallow it and it is not visible in {@code ps}
 * @param workingDirectory the run's cwd; a resumed CLI session must use the cwd it started in
 * @param sessionId the CLI session: a new one ({@code --session-id}) or, with {@code resume},
 *     an existing one ({@code --resume}); null lets the CLI pick an id
 * @param resume whether {@code sessionId} names an existing CLI session
 * @param maxBudgetUsd {@code --max-budget-usd}: the CLI stops spending past it (checked after
 *     each API call, so the last call can go slightly over)
 * @param settingsFile an extra settings layer ({@code --settings}: a provider's settings), or null
 * @param environment extra environment variables (provider credentials); never logged
 * @param timeout wall-clock limit, or null for the executor's default
 * @param dangerouslySkipPermissions {@code --dangerously-skip-permissions}; only when the
 *     operator allowed it
 */
public record ClaudeRequest(
    String prompt,
    Path workingDirectory,
    OutputFormat outputFormat,
    UUID sessionId,
    boolean resume,
    String model,
    String systemPrompt,
    String appendSystemPrompt,
    Integer maxTurns,
    BigDecimal maxBudgetUsd,
    List<String> allowedTools,
    List<String> disallowedTools,
    List<String> mcpConfigs,
    boolean strictMcpConfig,
    PermissionMode permissionMode,
    String agent,
    boolean includePartialMessages,
    boolean dangerouslySkipPermissions,
    Path settingsFile,
    Map<String, String> environment,
    Duration timeout) {

  public ClaudeRequest {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    Objects.requireNonNull(outputFormat, "outputFormat");
    if (resume && sessionId == null) {
      throw new IllegalArgumentException("resume needs a sessionId");
    }
    if (maxTurns != null && maxTurns < 1) {
      throw new IllegalArgumentException("maxTurns must be >= 1, was " + maxTurns);
    }
    if (maxBudgetUsd != null && maxBudgetUsd.signum() < 0) {
      throw new IllegalArgumentException("maxBudgetUsd must be >= 0, was " + maxBudgetUsd);
    }
    allowedTools = List.copyOf(allowedTools);
    disallowedTools = List.copyOf(disallowedTools);
    mcpConfigs = List.copyOf(mcpConfigs);
    environment = Map.copyOf(environment);
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  public static Builder builder(String prompt, Path workingDirectory) {
    return new Builder(prompt, workingDirectory);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public String toString() {
    return "ClaudeRequest[prompt=" + prompt.length() + " chars, workingDirectory=" + workingDirectory
        + ", outputFormat=" + outputFormat + ", sessionId=" + sessionId + ", resume=" + resume
        + ", model=" + model + ", maxTurns=" + maxTurns + ", maxBudgetUsd=" + maxBudgetUsd
        + ", permissionMode=" + permissionMode + ", settingsFile=" + settingsFile
        + ", environment=" + environment.keySet()
        + ", timeout=" + timeout + "]";
  }

  /** Builder of {@link ClaudeRequest}; every option starts unset. */
  public static final class Builder {
    private String prompt;
    private Path workingDirectory;
    private OutputFormat outputFormat = OutputFormat.JSON;
    private UUID sessionId;
    private boolean resume;
    private String model;
    private String systemPrompt;
    private String appendSystemPrompt;
    private Integer maxTurns;
    private BigDecimal maxBudgetUsd;
    private List<String> allowedTools = new ArrayList<>();
    private List<String> disallowedTools = new ArrayList<>();
    private List<String> mcpConfigs = new ArrayList<>();
    private boolean strictMcpConfig;
    private PermissionMode permissionMode;
    private String agent;
    private boolean includePartialMessages;
    private boolean dangerouslySkipPermissions;
    private Path settingsFile;
    private Map<String, String> environment = new LinkedHashMap<>();
    private Duration timeout;

    private Builder(String prompt, Path workingDirectory) {
      this.prompt = prompt;
      this.workingDirectory = workingDirectory;
    }

    private Builder(ClaudeRequest r) {
      prompt = r.prompt;
      workingDirectory = r.workingDirectory;
      outputFormat = r.outputFormat;
      sessionId = r.sessionId;
      resume = r.resume;
      model = r.model;
      systemPrompt = r.systemPrompt;
      appendSystemPrompt = r.appendSystemPrompt;
      maxTurns = r.maxTurns;
      maxBudgetUsd = r.maxBudgetUsd;
      allowedTools = new ArrayList<>(r.allowedTools);
      disallowedTools = new ArrayList<>(r.disallowedTools);
      mcpConfigs = new ArrayList<>(r.mcpConfigs);
      strictMcpConfig = r.strictMcpConfig;
      permissionMode = r.permissionMode;
      agent = r.agent;
      includePartialMessages = r.includePartialMessages;
      dangerouslySkipPermissions = r.dangerouslySkipPermissions;
      settingsFile = r.settingsFile;
      environment = new LinkedHashMap<>(r.environment);
      timeout = r.timeout;
    }

    public Builder prompt(String value) { prompt = value; return this; }
    public Builder workingDirectory(Path value) { workingDirectory = value; return this; }
    public Builder outputFormat(OutputFormat value) { outputFormat = value; return this; }
    /** A new CLI session with this id ({@code --session-id}). */
    public Builder newSession(UUID id) { sessionId = id; resume = false; return this; }
    /** Continue an existing CLI session ({@code --resume}). */
    public Builder resumeSession(UUID id) { sessionId = id; resume = true; return this; }
    public Builder model(String value) { model = value; return this; }
    public Builder systemPrompt(String value) { systemPrompt = value; return this; }
    public Builder appendSystemPrompt(String value) { appendSystemPrompt = value; return this; }
    public Builder maxTurns(Integer value) { maxTurns = value; return this; }
    public Builder maxBudgetUsd(BigDecimal value) { maxBudgetUsd = value; return this; }
    public Builder allowedTools(List<String> value) { allowedTools = new ArrayList<>(value); return this; }
    public Builder disallowedTools(List<String> value) { disallowedTools = new ArrayList<>(value); return this; }
    public Builder mcpConfigs(List<String> value) { mcpConfigs = new ArrayList<>(value); return this; }
    public Builder strictMcpConfig(boolean value) { strictMcpConfig = value; return this; }
    public Builder permissionMode(PermissionMode value) { permissionMode = value; return this; }
    public Builder agent(String value) { agent = value; return this; }
    public Builder includePartialMessages(boolean value) { includePartialMessages = value; return this; }
    public Builder dangerouslySkipPermissions(boolean value) { dangerouslySkipPermissions = value; return this; }
    public Builder settingsFile(Path value) { settingsFile = value; return this; }
    public Builder environment(Map<String, String> value) { environment = new LinkedHashMap<>(value); return this; }
    public Builder putEnvironment(String name, String value) { environment.put(name, value); return this; }
    public Builder removeEnvironment(String name) { environment.remove(name); return this; }
    public Builder timeout(Duration value) { timeout = value; return this; }

    public ClaudeRequest build() {
      return new ClaudeRequest(prompt, workingDirectory, outputFormat, sessionId, resume, model,
          systemPrompt, appendSystemPrompt, maxTurns, maxBudgetUsd, allowedTools, disallowedTools,
          mcpConfigs, strictMcpConfig, permissionMode, agent, includePartialMessages,
          dangerouslySkipPermissions, settingsFile, environment, timeout);
    }
  }
}
