package dev.ccs.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.io.AtomicFiles;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Loads {@code config.json} into a {@link CcsConfig}: creates it with the defaults on first start
 * (atomically, readable by its owner only, since it holds the auth secret), validates every key
 * and applies the {@code CCS_*} environment overrides. The file is never rewritten after that, so
 * an operator's edits and comments of intent stay as they are.
 */
public final class ConfigLoader {

  /** Environment variables that override config keys. */
  public static final String ENV_PORT = "CCS_PORT";
  public static final String ENV_HOST = "CCS_HOST";
  public static final String ENV_DATA_DIR = "CCS_DATA_DIR";
  public static final String ENV_CLAUDE_PATH = "CCS_CLAUDE_PATH";

  /** Keys of the Node server that ccs reads but does not need; they are not reported as unknown. */
  private static final List<String> LEGACY_KEYS =
      List.of("trustProxy", "nvmBin", "enableRootCompatibility");

  /**
   * Keys read for the Node server's sake whose features have not landed yet: a file that sets them
   * gets one warning at start naming each (they are never silently without effect), and a new
   * file does not write them.
   */
  private static final List<String> NOT_ENFORCED = List.of("rateLimit", "statistics", "loadBalance",
      "security.swaggerDocs", "security.audit", "providers[].name", "providers[].weight");

  private ConfigLoader() {
  }

  /** {@code ~/.claude-code-server/config.json}. */
  public static Path defaultConfigFile() {
    return dev.ccs.core.io.UserHome.get().resolve(".claude-code-server").resolve("config.json");
  }

  /**
   * Loads {@code file}, creating it with the defaults when it does not exist.
   *
   * @param env the process environment (for the {@code CCS_*} overrides)
   * @throws ConfigException naming every bad key, its value and what is allowed
   */
  public static LoadedConfig load(Path file, Map<String, String> env) {
    Path absolute = file.toAbsolutePath().normalize();
    Path baseDir = absolute.getParent();
    boolean created = false;
    String text;
    try {
      text = Files.readString(absolute, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      CcsConfig base = CcsConfig.defaults(baseDir);
      WebhookConfig webhook = base.webhook();
      CcsConfig defaults = base.toBuilder()
          .security(new SecurityConfig(new AuthConfig(false, newSecretKey(), true), true, true))
          .webhook(new WebhookConfig(webhook.enabled(), webhook.defaultUrl(), webhook.timeout(), webhook.retries(),
              "whsec_" + newSecretKey().substring("ccs_sk_".length()), webhook.allowPrivateTargets()))
          .build();
      ObjectNode json = toJson(defaults);
      json.remove(List.of("rateLimit", "statistics", "loadBalance"));
      ((ObjectNode) json.get("security")).remove(List.of("swaggerDocs", "audit"));
      text = Json.writePretty(json) + "\n";
      try {
        AtomicFiles.write(absolute, text.getBytes(StandardCharsets.UTF_8), true);
      } catch (IOException written) {
        throw new ConfigException(absolute + ": cannot be written: " + written.getMessage(), written);
      }
      created = true;
    } catch (IOException e) {
      throw new ConfigException(absolute + ": cannot be read: " + e.getMessage(), e);
    }
    List<String> warnings = new ArrayList<>();
    CcsConfig config = parse(text, baseDir, absolute.toString(), warnings);
    config = applyEnvironment(config, env, baseDir);
    return new LoadedConfig(absolute, config, created, warnings);
  }

  /** Parses config text; relative paths are resolved against {@code baseDir}. */
  public static CcsConfig parse(String text, Path baseDir, String source, List<String> warnings) {
    JsonNode root;
    try {
      root = Json.parse(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": not valid JSON: " + e.getOriginalMessage()
          + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(source, List.of("the file must hold one JSON object"));
    }
    List<String> problems = new ArrayList<>();
    ConfigSection section = ConfigSection.root(root, baseDir, problems);
    CcsConfig config = read(section, CcsConfig.defaults(baseDir));
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems);
    }
    for (String key : section.allUnknownKeys()) {
      warnings.add(source + ": unknown key \"" + key + "\" is ignored");
    }
    List<String> notEnforced = notEnforcedKeys(root);
    if (!notEnforced.isEmpty()) {
      warnings.add(source + ": read but not enforced yet, so without effect: " + String.join(", ", notEnforced));
    }
    return config;
  }

  /** The keys of {@link #NOT_ENFORCED} that {@code root} sets, leaf by leaf. */
  private static List<String> notEnforcedKeys(JsonNode root) {
    List<String> found = new ArrayList<>();
    for (String key : NOT_ENFORCED) {
      if (key.startsWith("providers[].")) {
        String field = key.substring("providers[].".length());
        JsonNode providers = root.path("providers");
        for (JsonNode provider : providers.isArray() ? providers : Json.mapper().createArrayNode()) {
          if (provider.hasNonNull(field)) {
            found.add(key);
            break;
          }
        }
        continue;
      }
      JsonNode node = root.at("/" + key.replace('.', '/'));
      if (node.isObject()) {
        node.fieldNames().forEachRemaining(field -> {
          if (!node.get(field).isNull() && !(node.get(field).isObject() && node.get(field).isEmpty())) {
            found.add(key + "." + field);
          }
        });
      } else if (!node.isMissingNode() && !node.isNull()) {
        found.add(key);
      }
    }
    return found;
  }

  private static CcsConfig read(ConfigSection s, CcsConfig d) {
    for (String legacy : LEGACY_KEYS) {
      s.has(legacy);
    }
    // 1.0.0 called the workspace "defaultProjectPath"; it is still honoured when workspacePath is absent.
    Path legacyWorkspace = s.path("defaultProjectPath", null);
    Path workspace = s.path("workspacePath", legacyWorkspace != null ? legacyWorkspace : d.workspacePath());

    ConfigSection tq = s.section("taskQueue");
    TaskQueueConfig taskQueue = tq.build(() -> new TaskQueueConfig(
        tq.integer("concurrency", d.taskQueue().concurrency(), 1, 10),
        tq.millis("defaultTimeout", d.taskQueue().defaultTimeout()),
        tq.integer("retries", d.taskQueue().retries(), 0, 20),
        tq.millis("retryBackoff", d.taskQueue().retryBackoff()),
        "requeue".equals(tq.oneOf("onInterrupted", d.taskQueue().requeueInterrupted() ? "requeue" : "fail",
            List.of("requeue", "fail"))),
        tq.integer("maxPending", d.taskQueue().maxPending(), 1, 10_000_000),
        tq.integer("maxIdempotencyKeys", d.taskQueue().maxIdempotencyKeys(), 1, 10_000_000)), d.taskQueue());

    ConfigSection rl = s.section("rateLimit");
    RateLimitConfig rateLimit = rl.build(() -> new RateLimitConfig(
        rl.bool("enabled", d.rateLimit().enabled()),
        rl.millis("windowMs", d.rateLimit().window()),
        rl.integer("maxRequests", d.rateLimit().maxRequests(), 1, Integer.MAX_VALUE)), d.rateLimit());

    ConfigSection wh = s.section("webhook");
    WebhookConfig webhook = wh.build(() -> new WebhookConfig(
        wh.bool("enabled", d.webhook().enabled()),
        wh.string("defaultUrl", d.webhook().defaultUrl()),
        wh.millis("timeout", d.webhook().timeout()),
        wh.integer("retries", d.webhook().retries(), 0, 20),
        wh.string("secret", d.webhook().secret()),
        wh.bool("allowPrivateTargets", d.webhook().allowPrivateTargets())), d.webhook());

    ConfigSection st = s.section("statistics");
    StatisticsConfig statistics = st.build(() -> new StatisticsConfig(
        st.bool("enabled", d.statistics().enabled()),
        st.millis("collectionInterval", d.statistics().collectionInterval())), d.statistics());

    ConfigSection mc = s.section("mcp");
    McpConfig mcp = mc.build(() -> new McpConfig(
        mc.bool("enabled", d.mcp().enabled()),
        mc.path("configPath", d.mcp().configPath()),
        mc.bool("strict", d.mcp().strict()),
        mc.bool("allowRequestConfig", d.mcp().allowRequestConfig())), d.mcp());

    ConfigSection sec = s.section("security");
    ConfigSection au = sec.section("auth");
    AuthConfig auth = au.build(() -> new AuthConfig(
        au.bool("enabled", d.security().auth().enabled()),
        au.string("secretKey", d.security().auth().secretKey()),
        au.bool("bypassHealthCheck", d.security().auth().bypassHealthCheck())), d.security().auth());
    boolean swagger = sec.section("swaggerDocs").bool("enabled", d.security().swaggerDocs());
    boolean audit = sec.section("audit").bool("enabled", d.security().audit());
    SecurityConfig security = new SecurityConfig(auth, swagger, audit);

    ConfigSection ex = s.section("execution");
    ExecutionConfig de = d.execution();
    ExecutionConfig execution = ex.build(() -> new ExecutionConfig(
        ex.millis("timeout", de.timeout()),
        ex.millis("killGracePeriod", de.killGracePeriod()),
        ex.optionalInteger("maxRetries", 0, 100),
        ex.bool("inheritEnv", de.inheritEnv()),
        ex.stringMap("env"),
        ex.integer("maxConcurrentRuns", de.maxConcurrentRuns(), 1, 10_000),
        ex.integer("maxWaitingRuns", de.maxWaitingRuns(), 0, 1_000_000),
        ex.millis("runWaitTimeout", de.runWaitTimeout()),
        ex.integer("maxWaitingTurnsPerSession", de.maxWaitingTurnsPerSession(), 0, 1_000_000),
        ex.integer("maxOutputLineBytes", de.maxOutputLineBytes(), 64 * 1024, 1024 * 1024 * 1024)), de);

    ConfigSection ht = s.section("http");
    HttpConfig dh = d.http();
    HttpConfig http = ht.build(() -> new HttpConfig(
        ht.integer("maxBodyBytes", dh.maxBodyBytes(), 1024, Integer.MAX_VALUE),
        ht.integer("maxBodyBytesInFlight", dh.maxBodyBytesInFlight(), 1024, Integer.MAX_VALUE),
        ht.integer("maxThreads", dh.maxThreads(), 2, 10_000),
        ht.integer("maxQueuedRequests", dh.maxQueuedRequests(), 0, 1_000_000),
        ht.millis("queueTimeout", dh.queueTimeout()),
        ht.integer("maxConnections", dh.maxConnections(), 1, 1_000_000),
        ht.millis("requestTimeout", dh.requestTimeout()),
        ht.millis("idleTimeout", dh.idleTimeout()),
        ht.millis("ioTimeout", dh.ioTimeout()),
        ht.integer("maxHeaderCount", dh.maxHeaderCount(), 8, 10_000),
        ht.integer("maxHeaderBytes", dh.maxHeaderBytes(), 1024, 1024 * 1024),
        ht.integer("maxUrlBytes", dh.maxUrlBytes(), 256, 1024 * 1024)), dh);

    ConfigSection sm = s.section("streaming");
    StreamingConfig ds = d.streaming();
    StreamingConfig streaming = sm.build(() -> new StreamingConfig(
        sm.millis("heartbeatMs", ds.heartbeat()),
        sm.millis("retentionMs", ds.retention()),
        sm.integer("maxBufferedEvents", ds.maxBufferedEvents(), 10, 10_000_000),
        sm.integer("maxBufferedBytes", ds.maxBufferedBytes(), 64 * 1024, Integer.MAX_VALUE),
        sm.bool("cancelOnDisconnect", ds.cancelOnDisconnect()),
        sm.integer("maxClients", ds.maxClients(), 1, 1_000_000),
        sm.integer("maxRetainedBytes", ds.maxRetainedBytes(), 0, Integer.MAX_VALUE)), ds);

    ConfigSection li = s.section("limits");
    LimitsConfig dl = d.limits();
    LimitsConfig limits = li.build(() -> new LimitsConfig(
        li.integer("maxPromptBytes", dl.maxPromptBytes(), 1024, 64 * 1024 * 1024),
        li.integer("maxMetadataBytes", dl.maxMetadataBytes(), 64, 16 * 1024 * 1024),
        li.integer("maxMetadataDepth", dl.maxMetadataDepth(), 1, 64),
        li.integer("maxArgumentBytes", dl.maxArgumentBytes(), 256, LimitsConfig.ARGUMENT_CEILING),
        li.integer("maxStoredSessions", dl.maxStoredSessions(), 10, 100_000_000),
        li.integer("maxStoredMetadataBytes", dl.maxStoredMetadataBytes(), 64, Integer.MAX_VALUE),
        li.integer("maxStoredTasks", dl.maxStoredTasks(), 10, 100_000_000)), dl);

    List<ProviderConfig> providers = s.objects("providers", p -> p.build(() -> new ProviderConfig(
        p.string("id", null), p.string("name", null), p.string("apiKey", null),
        p.string("baseUrl", null), p.integer("weight", 1, 1, 100), p.bool("enabled", true),
        p.stringMap("env")), null));

    ConfigSection lb = s.section("loadBalance");
    LoadBalanceConfig loadBalance = lb.build(() -> new LoadBalanceConfig(
        lb.oneOf("strategy", d.loadBalance().strategy(), List.of("round-robin", "weighted")),
        lb.bool("failover", d.loadBalance().failover()),
        lb.integer("failureThreshold", d.loadBalance().failureThreshold(), 1, 1000),
        lb.millis("bindingTtl", d.loadBalance().bindingTtl()),
        lb.seconds("recoveryTimeout", d.loadBalance().recoveryTimeout())), d.loadBalance());

    return s.build(() -> new CcsConfig(
        s.integer("port", d.port(), 0, 65535),
        s.string("host", d.host()),
        s.string("claudePath", d.claudePath()),
        s.path("nodeBinDir", d.nodeBinDir()),
        workspace,
        s.paths("allowedProjectRoots"),
        s.path("dataDir", d.dataDir()),
        s.path("logFile", d.logFile()),
        s.path("pidFile", d.pidFile()),
        s.integer("sessionRetentionDays", d.sessionRetentionDays(), 0, 36_500),
        taskQueue, rateLimit,
        s.string("defaultModel", d.defaultModel()),
        // An explicit null means "no cap"; a missing key means the default cap.
        s.explicitNull("maxBudgetUsd") ? null : s.decimal("maxBudgetUsd", d.maxBudgetUsd()),
        webhook, statistics, mcp,
        s.oneOf("logLevel", d.logLevel(), CcsConfig.LOG_LEVELS),
        s.bool("allowDangerouslySkipPermissions", d.allowDangerouslySkipPermissions()),
        security, execution, http, streaming, limits, providers, loadBalance), d);
  }

  private static CcsConfig applyEnvironment(CcsConfig config, Map<String, String> env, Path baseDir) {
    List<String> problems = new ArrayList<>();
    CcsConfig.Builder builder = config.toBuilder();
    String port = env.get(ENV_PORT);
    if (port != null) {
      try {
        int value = Integer.parseInt(port.trim());
        if (value < 0 || value > 65535) {
          throw new NumberFormatException();
        }
        builder.port(value);
      } catch (NumberFormatException e) {
        problems.add(ENV_PORT + " is \"" + port + "\"; allowed: an integer from 0 to 65535");
      }
    }
    String host = env.get(ENV_HOST);
    if (host != null) {
      if (host.isBlank()) {
        problems.add(ENV_HOST + " is empty; allowed: an IP address or host name");
      } else {
        builder.host(host.trim());
      }
    }
    String dataDir = env.get(ENV_DATA_DIR);
    if (dataDir != null) {
      if (dataDir.isBlank()) {
        problems.add(ENV_DATA_DIR + " is empty; allowed: a directory path");
      } else {
        builder.dataDir(ConfigPaths.resolve(dataDir.trim(), baseDir));
      }
    }
    String claudePath = env.get(ENV_CLAUDE_PATH);
    if (claudePath != null) {
      if (claudePath.isBlank()) {
        problems.add(ENV_CLAUDE_PATH + " is empty; allowed: a command name or path");
      } else {
        builder.claudePath(claudePath.trim());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException("environment", problems);
    }
    return builder.build();
  }

  /** Writes {@code config} to {@code file} atomically, readable by its owner only. */
  public static void write(Path file, CcsConfig config) {
    try {
      AtomicFiles.write(file, toJsonBytes(config), true);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be written: " + e.getMessage(), e);
    }
  }

  static byte[] toJsonBytes(CcsConfig config) {
    return (Json.writePretty(toJson(config)) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The config as the JSON of the file, keys in the Node server's order; secrets included. */
  public static ObjectNode toJson(CcsConfig c) {
    ObjectNode root = Json.object();
    root.put("port", c.port());
    root.put("host", c.host());
    root.put("claudePath", c.claudePath());
    root.put("nodeBinDir", c.nodeBinDir() == null ? null : c.nodeBinDir().toString());
    root.put("workspacePath", c.workspacePath().toString());
    var roots = root.putArray("allowedProjectRoots");
    c.allowedProjectRoots().forEach(p -> roots.add(p.toString()));
    root.put("logFile", c.logFile().toString());
    root.put("pidFile", c.pidFile().toString());
    root.put("dataDir", c.dataDir().toString());
    root.put("sessionRetentionDays", c.sessionRetentionDays());
    ObjectNode tq = root.putObject("taskQueue");
    tq.put("concurrency", c.taskQueue().concurrency());
    tq.put("defaultTimeout", c.taskQueue().defaultTimeout().toMillis());
    tq.put("retries", c.taskQueue().retries());
    tq.put("retryBackoff", c.taskQueue().retryBackoff().toMillis());
    tq.put("onInterrupted", c.taskQueue().requeueInterrupted() ? "requeue" : "fail");
    tq.put("maxPending", c.taskQueue().maxPending());
    tq.put("maxIdempotencyKeys", c.taskQueue().maxIdempotencyKeys());
    ObjectNode rl = root.putObject("rateLimit");
    rl.put("enabled", c.rateLimit().enabled());
    rl.put("windowMs", c.rateLimit().window().toMillis());
    rl.put("maxRequests", c.rateLimit().maxRequests());
    root.put("defaultModel", c.defaultModel());
    root.put("maxBudgetUsd", c.maxBudgetUsd());
    ObjectNode wh = root.putObject("webhook");
    wh.put("enabled", c.webhook().enabled());
    wh.put("defaultUrl", c.webhook().defaultUrl());
    wh.put("timeout", c.webhook().timeout().toMillis());
    wh.put("retries", c.webhook().retries());
    wh.put("secret", c.webhook().secret());
    wh.put("allowPrivateTargets", c.webhook().allowPrivateTargets());
    ObjectNode st = root.putObject("statistics");
    st.put("enabled", c.statistics().enabled());
    st.put("collectionInterval", c.statistics().collectionInterval().toMillis());
    ObjectNode mcp = root.putObject("mcp");
    mcp.put("enabled", c.mcp().enabled());
    mcp.put("configPath", c.mcp().configPath() == null ? null : c.mcp().configPath().toString());
    mcp.put("strict", c.mcp().strict());
    mcp.put("allowRequestConfig", c.mcp().allowRequestConfig());
    root.put("logLevel", c.logLevel());
    root.put("allowDangerouslySkipPermissions", c.allowDangerouslySkipPermissions());
    ObjectNode sec = root.putObject("security");
    ObjectNode auth = sec.putObject("auth");
    auth.put("enabled", c.security().auth().enabled());
    auth.put("secretKey", c.security().auth().secretKey());
    auth.put("bypassHealthCheck", c.security().auth().bypassHealthCheck());
    sec.putObject("swaggerDocs").put("enabled", c.security().swaggerDocs());
    sec.putObject("audit").put("enabled", c.security().audit());
    ObjectNode ex = root.putObject("execution");
    ex.put("timeout", c.execution().timeout().toMillis());
    ex.put("killGracePeriod", c.execution().killGracePeriod().toMillis());
    ex.put("maxRetries", c.execution().maxRetries());
    ex.put("inheritEnv", c.execution().inheritEnv());
    ObjectNode env = ex.putObject("env");
    c.execution().env().forEach(env::put);
    ex.put("maxConcurrentRuns", c.execution().maxConcurrentRuns());
    ex.put("maxWaitingRuns", c.execution().maxWaitingRuns());
    ex.put("runWaitTimeout", c.execution().runWaitTimeout().toMillis());
    ex.put("maxWaitingTurnsPerSession", c.execution().maxWaitingTurnsPerSession());
    ex.put("maxOutputLineBytes", c.execution().maxOutputLineBytes());
    ObjectNode http = root.putObject("http");
    HttpConfig h = c.http();
    http.put("maxBodyBytes", h.maxBodyBytes());
    http.put("maxBodyBytesInFlight", h.maxBodyBytesInFlight());
    http.put("maxThreads", h.maxThreads());
    http.put("maxQueuedRequests", h.maxQueuedRequests());
    http.put("queueTimeout", h.queueTimeout().toMillis());
    http.put("maxConnections", h.maxConnections());
    http.put("requestTimeout", h.requestTimeout().toMillis());
    http.put("idleTimeout", h.idleTimeout().toMillis());
    http.put("ioTimeout", h.ioTimeout().toMillis());
    http.put("maxHeaderCount", h.maxHeaderCount());
    http.put("maxHeaderBytes", h.maxHeaderBytes());
    http.put("maxUrlBytes", h.maxUrlBytes());
    ObjectNode sm = root.putObject("streaming");
    sm.put("heartbeatMs", c.streaming().heartbeat().toMillis());
    sm.put("retentionMs", c.streaming().retention().toMillis());
    sm.put("maxBufferedEvents", c.streaming().maxBufferedEvents());
    sm.put("maxBufferedBytes", c.streaming().maxBufferedBytes());
    sm.put("cancelOnDisconnect", c.streaming().cancelOnDisconnect());
    sm.put("maxClients", c.streaming().maxClients());
    sm.put("maxRetainedBytes", c.streaming().maxRetainedBytes());
    ObjectNode li = root.putObject("limits");
    li.put("maxPromptBytes", c.limits().maxPromptBytes());
    li.put("maxMetadataBytes", c.limits().maxMetadataBytes());
    li.put("maxMetadataDepth", c.limits().maxMetadataDepth());
    li.put("maxArgumentBytes", c.limits().maxArgumentBytes());
    li.put("maxStoredSessions", c.limits().maxStoredSessions());
    li.put("maxStoredMetadataBytes", c.limits().maxStoredMetadataBytes());
    li.put("maxStoredTasks", c.limits().maxStoredTasks());
    var providers = root.putArray("providers");
    for (ProviderConfig p : c.providers()) {
      ObjectNode node = providers.addObject();
      node.put("id", p.id());
      node.put("name", p.name());
      node.put("apiKey", p.apiKey());
      node.put("baseUrl", p.baseUrl());
      node.put("weight", p.weight());
      node.put("enabled", p.enabled());
      ObjectNode penv = node.putObject("env");
      p.env().forEach(penv::put);
    }
    ObjectNode lb = root.putObject("loadBalance");
    lb.put("strategy", c.loadBalance().strategy());
    lb.put("failover", c.loadBalance().failover());
    lb.put("failureThreshold", c.loadBalance().failureThreshold());
    lb.put("bindingTtl", c.loadBalance().bindingTtl().toMillis());
    lb.put("recoveryTimeout", c.loadBalance().recoveryTimeout().toSeconds());
    return root;
  }

  /** A new random auth secret in the Node server's format: {@code ccs_sk_} and 64 hex digits. */
  public static String newSecretKey() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return "ccs_sk_" + HexFormat.of().formatHex(bytes);
  }

}
