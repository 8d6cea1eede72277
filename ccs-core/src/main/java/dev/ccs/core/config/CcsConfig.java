package dev.ccs.core.config;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The whole configuration of a ccs instance, immutable and validated. Keys and defaults follow the
 * Node server's {@code ~/.claude-code-server/config.json}, except that {@code host} defaults to
 * 127.0.0.1; {@code execution}, {@code http} and a few keys in other sections are ccs additions.
 * Load it with {@link ConfigLoader}; build variants with {@link #toBuilder()}.
 *
 * @param port HTTP port, 0 picks a free one
 * @param host address to bind; anything but loopback needs {@code security.auth.enabled}
 * @param claudePath the {@code claude} executable: a name looked up on PATH, or a path
 * @param nodeBinDir directory prepended to PATH for runs (and for finding {@code claude}), or null
 * @param workspacePath default working directory of runs, and the first allowed root
 * @param allowedProjectRoots further directories whose subtrees runs may work in
 * @param dataDir where sessions, messages and tasks are stored
 * @param logFile the server's log file (rotated by size, see {@code logging})
 * @param pidFile pid file of a server started by {@code ccs start}
 * @param sessionRetentionDays sessions unused for longer are removed; 0 keeps them for ever
 * @param defaultModel model of runs that name none, or null for the CLI's default
 * @param maxBudgetUsd spending cap in USD of one session (and of a run without a session), or
 *     null for no cap
 * @param logLevel {@code debug}, {@code info}, {@code warn} or {@code error}
 * @param logging the log file's format and rotation
 * @param allowDangerouslySkipPermissions whether requests may ask for
 *     {@code permission_mode: "bypassPermissions"}
 * @param limits sizes of prompts, metadata and CLI arguments
 * @param shutdown how a SIGTERM stops the server
 * @param openai the compatible faces' model aliases
 * @param store where records are kept: the data directory, or a database several nodes share
 */
public record CcsConfig(
    int port,
    String host,
    String claudePath,
    Path nodeBinDir,
    Path workspacePath,
    List<Path> allowedProjectRoots,
    Path dataDir,
    Path logFile,
    Path pidFile,
    int sessionRetentionDays,
    TaskQueueConfig taskQueue,
    RateLimitConfig rateLimit,
    String defaultModel,
    BigDecimal maxBudgetUsd,
    WebhookConfig webhook,
    StatisticsConfig statistics,
    McpConfig mcp,
    String logLevel,
    boolean allowDangerouslySkipPermissions,
    SecurityConfig security,
    ExecutionConfig execution,
    HttpConfig http,
    StreamingConfig streaming,
    LimitsConfig limits,
    List<ProviderConfig> providers,
    LoadBalanceConfig loadBalance,
    LogConfig logging,
    ShutdownConfig shutdown,
    OpenAiConfig openai,
    StoreConfig store,
    WarmSessionsConfig warmSessions) {

  public static final List<String> LOG_LEVELS = List.of("debug", "info", "warn", "error");

  public CcsConfig {
    Checks.range("port", port, 0, 65535);
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("\"host\" is empty; allowed: an IP address or host name");
    }
    Objects.requireNonNull(claudePath, "claudePath");
    if (claudePath.isBlank()) {
      throw new IllegalArgumentException("\"claudePath\" is empty; allowed: a command name or path");
    }
    Objects.requireNonNull(workspacePath, "workspacePath");
    allowedProjectRoots = List.copyOf(Objects.requireNonNull(allowedProjectRoots, "allowedProjectRoots"));
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(logFile, "logFile");
    Objects.requireNonNull(pidFile, "pidFile");
    Checks.range("sessionRetentionDays", sessionRetentionDays, 0, 36_500);
    Objects.requireNonNull(taskQueue, "taskQueue");
    Objects.requireNonNull(rateLimit, "rateLimit");
    if (defaultModel != null && defaultModel.isBlank()) {
      defaultModel = null;
    }
    Checks.nonNegative("maxBudgetUsd", maxBudgetUsd);
    Objects.requireNonNull(webhook, "webhook");
    Objects.requireNonNull(statistics, "statistics");
    Objects.requireNonNull(mcp, "mcp");
    Objects.requireNonNull(logLevel, "logLevel");
    if (!LOG_LEVELS.contains(logLevel)) {
      throw new IllegalArgumentException("\"logLevel\" is \"" + logLevel + "\"; allowed: " + LOG_LEVELS);
    }
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(execution, "execution");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(streaming, "streaming");
    Objects.requireNonNull(limits, "limits");
    providers = List.copyOf(Objects.requireNonNull(providers, "providers"));
    long distinctIds = providers.stream().map(ProviderConfig::id).distinct().count();
    if (distinctIds != providers.size()) {
      throw new IllegalArgumentException("\"providers\" has two entries with the same id; allowed: unique ids");
    }
    Objects.requireNonNull(loadBalance, "loadBalance");
    Objects.requireNonNull(logging, "logging");
    Objects.requireNonNull(shutdown, "shutdown");
    Objects.requireNonNull(openai, "openai");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(warmSessions, "warmSessions");
  }

  /** The defaults, with every path under {@code home} (normally {@code ~/.claude-code-server}). */
  public static CcsConfig defaults(Path home) {
    Path base = home.toAbsolutePath().normalize();
    return new CcsConfig(5546, "127.0.0.1", "claude", null, base.resolve("workspace"), List.of(),
        base.resolve("data"), base.resolve("logs").resolve("server.log"), base.resolve("server.pid"),
        30, TaskQueueConfig.DEFAULT, RateLimitConfig.DEFAULT, null, new BigDecimal("10.0"),
        WebhookConfig.DEFAULT, StatisticsConfig.DEFAULT, McpConfig.DEFAULT, "info", false,
        SecurityConfig.DEFAULT, ExecutionConfig.DEFAULT, HttpConfig.DEFAULT, StreamingConfig.DEFAULT,
        LimitsConfig.DEFAULT, List.of(), LoadBalanceConfig.DEFAULT, LogConfig.DEFAULT, ShutdownConfig.DEFAULT,
        OpenAiConfig.DEFAULT, StoreConfig.DEFAULT, WarmSessionsConfig.DEFAULT);
  }

  /** The working-directory roots: {@code workspacePath} first, then {@code allowedProjectRoots}. */
  public List<Path> projectRoots() {
    var roots = new java.util.ArrayList<Path>();
    roots.add(workspacePath);
    roots.addAll(allowedProjectRoots);
    return List.copyOf(roots);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Copies a config with some values changed; {@link #build()} validates like the constructor. */
  public static final class Builder {
    private int port;
    private String host;
    private String claudePath;
    private Path nodeBinDir;
    private Path workspacePath;
    private List<Path> allowedProjectRoots;
    private Path dataDir;
    private Path logFile;
    private Path pidFile;
    private int sessionRetentionDays;
    private TaskQueueConfig taskQueue;
    private RateLimitConfig rateLimit;
    private String defaultModel;
    private BigDecimal maxBudgetUsd;
    private WebhookConfig webhook;
    private StatisticsConfig statistics;
    private McpConfig mcp;
    private String logLevel;
    private boolean allowDangerouslySkipPermissions;
    private SecurityConfig security;
    private ExecutionConfig execution;
    private HttpConfig http;
    private StreamingConfig streaming;
    private LimitsConfig limits;
    private List<ProviderConfig> providers;
    private LoadBalanceConfig loadBalance;
    private LogConfig logging;
    private ShutdownConfig shutdown;
    private OpenAiConfig openai;
    private StoreConfig store;
    private WarmSessionsConfig warmSessions;

    private Builder(CcsConfig c) {
      port = c.port;
      host = c.host;
      claudePath = c.claudePath;
      nodeBinDir = c.nodeBinDir;
      workspacePath = c.workspacePath;
      allowedProjectRoots = c.allowedProjectRoots;
      dataDir = c.dataDir;
      logFile = c.logFile;
      pidFile = c.pidFile;
      sessionRetentionDays = c.sessionRetentionDays;
      taskQueue = c.taskQueue;
      rateLimit = c.rateLimit;
      defaultModel = c.defaultModel;
      maxBudgetUsd = c.maxBudgetUsd;
      webhook = c.webhook;
      statistics = c.statistics;
      mcp = c.mcp;
      logLevel = c.logLevel;
      allowDangerouslySkipPermissions = c.allowDangerouslySkipPermissions;
      security = c.security;
      execution = c.execution;
      http = c.http;
      streaming = c.streaming;
      limits = c.limits;
      providers = c.providers;
      loadBalance = c.loadBalance;
      logging = c.logging;
      shutdown = c.shutdown;
      openai = c.openai;
      store = c.store;
      warmSessions = c.warmSessions;
    }

    public Builder port(int value) { port = value; return this; }
    public Builder host(String value) { host = value; return this; }
    public Builder claudePath(String value) { claudePath = value; return this; }
    public Builder nodeBinDir(Path value) { nodeBinDir = value; return this; }
    public Builder workspacePath(Path value) { workspacePath = value; return this; }
    public Builder allowedProjectRoots(List<Path> value) { allowedProjectRoots = value; return this; }
    public Builder dataDir(Path value) { dataDir = value; return this; }
    public Builder logFile(Path value) { logFile = value; return this; }
    public Builder pidFile(Path value) { pidFile = value; return this; }
    public Builder sessionRetentionDays(int value) { sessionRetentionDays = value; return this; }
    public Builder taskQueue(TaskQueueConfig value) { taskQueue = value; return this; }
    public Builder rateLimit(RateLimitConfig value) { rateLimit = value; return this; }
    public Builder defaultModel(String value) { defaultModel = value; return this; }
    public Builder maxBudgetUsd(BigDecimal value) { maxBudgetUsd = value; return this; }
    public Builder webhook(WebhookConfig value) { webhook = value; return this; }
    public Builder statistics(StatisticsConfig value) { statistics = value; return this; }
    public Builder mcp(McpConfig value) { mcp = value; return this; }
    public Builder logLevel(String value) { logLevel = value; return this; }
    public Builder allowDangerouslySkipPermissions(boolean value) {
      allowDangerouslySkipPermissions = value;
      return this;
    }
    public Builder security(SecurityConfig value) { security = value; return this; }
    public Builder execution(ExecutionConfig value) { execution = value; return this; }
    public Builder http(HttpConfig value) { http = value; return this; }
    public Builder streaming(StreamingConfig value) { streaming = value; return this; }
    public Builder limits(LimitsConfig value) { limits = value; return this; }
    public Builder providers(List<ProviderConfig> value) { providers = value; return this; }
    public Builder loadBalance(LoadBalanceConfig value) { loadBalance = value; return this; }
    public Builder logging(LogConfig value) { logging = value; return this; }
    public Builder shutdown(ShutdownConfig value) { shutdown = value; return this; }
    public Builder openai(OpenAiConfig value) { openai = value; return this; }
    public Builder store(StoreConfig value) { store = value; return this; }
    public Builder warmSessions(WarmSessionsConfig value) { warmSessions = value; return this; }

    public CcsConfig build() {
      return new CcsConfig(port, host, claudePath, nodeBinDir, workspacePath, allowedProjectRoots,
          dataDir, logFile, pidFile, sessionRetentionDays, taskQueue, rateLimit, defaultModel,
          maxBudgetUsd, webhook, statistics, mcp, logLevel, allowDangerouslySkipPermissions, security,
          execution, http, streaming, limits, providers, loadBalance, logging, shutdown, openai, store,
          warmSessions);
    }
  }
}
