package dev.ccs.core.run;

import dev.ccs.core.error.CcsException;
import dev.ccs.core.balance.ProviderEnvironment;
import dev.ccs.core.balance.LoadBalancer;
import dev.ccs.core.balance.ProviderFailures;
import dev.ccs.core.balance.ProviderSettings;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.exec.ClaudeRequest;
import dev.ccs.core.exec.PermissionMode;
import dev.ccs.core.exec.RunOutcome;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a client's prompt and {@link RunOptions} into a {@link ClaudeRequest} under the server's
 * rules: default model, the smaller of the request's and the config's budget, the server's MCP
 * config, refusal of what the operator did not allow (permission bypass, request MCP configs), and
 * the credentials of the chosen provider.
 *
 * <p>{@code allowDangerouslySkipPermissions: true} means what it meant to the Node server: runs skip
 * the CLI's permission checks ({@code --dangerously-skip-permissions}) unless a request asks for a
 * permission mode of its own, and requests may ask for {@code bypassPermissions}. As root the CLI
 * refuses to skip them unless {@code IS_SANDBOX=1} says it runs in a sandbox; that is set then, and
 * only then.
 */
public final class RunPolicy {

  private static final Logger LOG = LoggerFactory.getLogger(RunPolicy.class);

  private volatile CcsConfig config;
  private final LoadBalancer balancer;
  private final ProviderSettings settings;
  private final Map<String, String> environment;
  private final boolean runningAsRoot;
  private final McpConfigs mcpConfigs;

  /**
   * A run's request, the provider lease to report its outcome on (null without providers), and a
   * temporary file the run uses (an inline MCP config), removed when it is {@link #finished}.
   */
  public record Plan(ClaudeRequest.Builder request, LoadBalancer.Lease lease, Path temporaryFile) {
  }

  /**
   * @param settings each provider's CLI settings, passed with {@code --settings}
   * @param environment the server's environment, where {@code ${env:NAME}} secrets are looked up
   */
  public RunPolicy(CcsConfig config, LoadBalancer balancer, ProviderSettings settings,
      Map<String, String> environment) {
    this(config, balancer, settings, environment, runningAsRoot());
  }

  RunPolicy(CcsConfig config, LoadBalancer balancer, ProviderSettings settings, Map<String, String> environment,
      boolean runningAsRoot) {
    this.config = config;
    this.balancer = balancer;
    this.settings = settings;
    this.environment = Map.copyOf(environment);
    this.runningAsRoot = runningAsRoot;
    this.mcpConfigs = new McpConfigs(config.dataDir().resolve("tmp"));
    if (config.allowDangerouslySkipPermissions()) {
      LOG.warn("allowDangerouslySkipPermissions is true: runs skip the CLI's permission checks "
          + "(--dangerously-skip-permissions) unless a request sets permission_mode{}", runningAsRoot
          ? "; the server runs as root, so such runs get IS_SANDBOX=1 (the CLI requires it as root)" : "");
    }
  }

  /** Whether this process runs as root (uid 0), where the CLI needs IS_SANDBOX=1 to skip permission checks. */
  static boolean runningAsRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /**
   * A request builder for one run; the caller adds output format, session and timeout.
   *
   * @param budgetLeftUsd what the caller's own limit (a session's remaining budget) still allows,
   *     or null for none
   * @param sessionId the session the run belongs to (its provider binding), or null
   * @throws CcsException.Forbidden for options the server's config does not allow
   */
  public Plan plan(String prompt, Path workingDirectory, RunOptions options, BigDecimal budgetLeftUsd,
      UUID sessionId) {
    // One config for the whole plan, whatever a reload does meanwhile.
    CcsConfig config = this.config;
    ClaudeRequest.Builder builder = ClaudeRequest.builder(prompt, workingDirectory)
        .model(options.model() != null && !options.model().isBlank() ? options.model() : config.defaultModel())
        .systemPrompt(options.systemPrompt())
        .appendSystemPrompt(options.appendSystemPrompt())
        .maxTurns(options.maxTurns())
        .maxBudgetUsd(min(options.maxBudgetUsd(), budgetLeftUsd, config.maxBudgetUsd()))
        .allowedTools(options.allowedTools())
        .disallowedTools(options.disallowedTools())
        .agent(blankToNull(options.agent()));
    if (options.permissionMode() != null
        && !config.security().allowedPermissionModes().contains(options.permissionMode().wireName())) {
      throw new CcsException.Forbidden("permission_mode_not_allowed", "permission_mode \"" + options.permissionMode()
          .wireName() + "\" is not allowed on this server (security.allowedPermissionModes: "
          + String.join(", ", config.security().allowedPermissionModes()) + ")");
    }
    boolean bypass = options.permissionMode() == PermissionMode.BYPASS_PERMISSIONS;
    if (bypass && !config.allowDangerouslySkipPermissions()) {
      throw new CcsException.Forbidden("permission_bypass_disabled", "permission_mode \"bypassPermissions\" is "
          + "disabled on this server (allowDangerouslySkipPermissions is false in its config)");
    }
    boolean skip = options.permissionMode() == null && config.allowDangerouslySkipPermissions();
    builder.permissionMode(options.permissionMode()).dangerouslySkipPermissions(skip);
    if ((bypass || skip) && runningAsRoot) {
      // The operator allowed the bypass, which is saying the runs are sandboxed.
      builder.putEnvironment("IS_SANDBOX", "1");
    }
    Path temporary = null;
    if (options.mcpConfig() != null && !options.mcpConfig().isBlank()) {
      McpConfigs.Resolved mcp = mcpConfigs.resolve(options.mcpConfig(), config.mcp());
      builder.mcpConfigs(List.of(mcp.path()));
      temporary = mcp.temporary();
    } else if (config.mcp().enabled()) {
      builder.mcpConfigs(List.of(config.mcp().configPath().toString()));
    }
    builder.strictMcpConfig(config.mcp().strict());
    try {
      LoadBalancer.Lease lease = provider(sessionId, options.providerId()).orElse(null);
      return new Plan(builder, lease == null ? null : withProvider(builder, lease), temporary);
    } catch (RuntimeException e) {
      McpConfigs.remove(temporary);
      throw e;
    }
  }

  /** Puts the lease's credentials into the request; the lease is given back if they cannot be read. */
  private LoadBalancer.Lease withProvider(ClaudeRequest.Builder builder, LoadBalancer.Lease lease) {
    try {
      ProviderEnvironment.of(lease.provider(), environment).forEach(builder::putEnvironment);
      builder.settingsFile(settings.fileOf(lease.provider().id()).orElse(null));
      return lease;
    } catch (RuntimeException e) {
      balancer.abandon(lease);
      throw e;
    }
  }

  /**
   * Takes a new config (reload): default model, budget cap, permission and MCP rules apply to the
   * runs planned from now on.
   */
  public void reconfigure(CcsConfig value) {
    if (value.allowDangerouslySkipPermissions() && !config.allowDangerouslySkipPermissions()) {
      LOG.warn("allowDangerouslySkipPermissions is now true: runs skip the CLI's permission checks unless a request "
          + "sets permission_mode");
    }
    config = value;
  }

  /**
   * With {@code loadBalance.failover}, the same run on another provider after {@code failed}'s
   * provider refused it before the model answered anything ({@link ProviderFailures#failedBeforeModel})
   * and another provider lets runs through; {@code outcome} is then reported for the failed plan.
   * Otherwise null, and the caller reports as usual.
   */
  public Plan elsewhere(Plan failed, RunOutcome outcome) {
    if (failed.lease() == null || !ProviderFailures.failedBeforeModel(outcome)) {
      return null;
    }
    LoadBalancer.Lease next = balancer.instead(failed.lease()).orElse(null);
    if (next == null) {
      return null;
    }
    balancer.report(failed.lease(), outcome);
    ProviderEnvironment.names(failed.lease().provider()).forEach(failed.request()::removeEnvironment);
    return new Plan(failed.request(), withProvider(failed.request(), next), failed.temporaryFile());
  }

  /** Tells the balancer how a planned run ended; {@code outcome} null when it never ran. */
  public void finished(Plan plan, RunOutcome outcome) {
    McpConfigs.remove(plan.temporaryFile());
    if (plan.lease() == null) {
      return;
    }
    if (outcome == null) {
      balancer.abandon(plan.lease());
    } else {
      balancer.report(plan.lease(), outcome);
    }
  }

  /**
   * The run's provider: the one it names, else its session's, else the balancer's choice.
   *
   * @throws CcsException.InvalidRequest for a malformed id
   * @throws CcsException.NotFound when no provider has that id
   * @throws CcsException.Conflict when that provider is disabled
   */
  private Optional<LoadBalancer.Lease> provider(UUID sessionId, String id) {
    if (id == null || id.isBlank()) {
      return balancer.choose(sessionId, null);
    }
    if (!ProviderConfig.validId(id)) {
      throw new CcsException.InvalidRequest("\"provider_id\" must be 1-64 letters, digits, _ or -");
    }
    return balancer.choose(sessionId, id);
  }

  /** The request's cap, the config's cap and the caller's limit, whichever is smallest. */
  private static BigDecimal min(BigDecimal requested, BigDecimal callerLimit, BigDecimal configCap) {
    BigDecimal result = requested;
    for (BigDecimal cap : new BigDecimal[] {configCap, callerLimit}) {
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
