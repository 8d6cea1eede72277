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

  /** Environment variables that override config keys (all of them: {@link EnvironmentOverrides}). */
  public static final String ENV_PORT = EnvironmentOverrides.CCS_PORT;
  public static final String ENV_HOST = EnvironmentOverrides.CCS_HOST;
  public static final String ENV_DATA_DIR = EnvironmentOverrides.CCS_DATA_DIR;
  public static final String ENV_CLAUDE_PATH = EnvironmentOverrides.CCS_CLAUDE_PATH;

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
          .security(base.security().withAuth(new AuthConfig(false, newSecretKey(), true)))
          .webhook(new WebhookConfig(webhook.enabled(), webhook.defaultUrl(), webhook.timeout(), webhook.retries(),
              "whsec_" + newSecretKey().substring("ccs_sk_".length()), webhook.allowPrivateTargets()))
          .build();
      ObjectNode json = toJson(defaults);
      text = writeJson(absolute, json);
      created = true;
    } catch (IOException e) {
      throw new ConfigException(absolute + ": cannot be read: " + e.getMessage(), e);
    }
    return loaded(absolute, text, created, env);
  }

  /**
   * Reads {@code file} again (a config reload): as {@link #load}, except that a missing file is an
   * error, never a reason to write one; the file is only read.
   *
   * @throws ConfigException for a missing, unreadable or invalid file
   */
  public static LoadedConfig reload(Path file, Map<String, String> env) {
    Path absolute = file.toAbsolutePath().normalize();
    String text;
    try {
      text = Files.readString(absolute, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(absolute + ": cannot be read: " + e.getMessage(), e);
    }
    return loaded(absolute, text, false, env);
  }

  private static LoadedConfig loaded(Path absolute, String text, boolean created, Map<String, String> env) {
    List<String> warnings = new ArrayList<>();
    CcsConfig config = parse(text, absolute.getParent(), absolute.toString(), warnings);
    EnvironmentOverrides.Result overridden = EnvironmentOverrides.apply(config, env, absolute.getParent());
    JsonNode fileJson;
    try {
      fileJson = Json.parse(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException(absolute + ": not valid JSON", e); // parse() above has read it already
    }
    return new LoadedConfig(absolute, overridden.config(), created, warnings, fileJson, overridden.keys());
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
    CcsConfig config = ConfigReader.read(section, CcsConfig.defaults(baseDir));
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems);
    }
    for (String key : section.allUnknownKeys()) {
      warnings.add(source + ": unknown key \"" + key + "\" is ignored");
    }
    return config;
  }

  /** Writes {@code config} to {@code file} atomically, readable by its owner only. */
  public static void write(Path file, CcsConfig config) {
    writeJson(file, toJson(config));
  }

  /** Writes a config file's JSON atomically, readable by its owner only; returns the text written. */
  /**
   * Changes keys of the config file (a missing file starts empty): the changed JSON is checked as a
   * whole before it replaces the file, atomically; the other keys keep their values and order.
   *
   * @throws ConfigException when the file cannot be read or the change makes it invalid (the file
   *     is then left as it was)
   */
  public static LoadedConfig edit(Path file, java.util.function.Consumer<ObjectNode> change, Map<String, String> env) {
    Path absolute = file.toAbsolutePath().normalize();
    ObjectNode json;
    try {
      JsonNode read = Json.parse(Files.readString(absolute, StandardCharsets.UTF_8));
      if (!(read instanceof ObjectNode object)) {
        throw new ConfigException(absolute + ": not a JSON object", (Throwable) null);
      }
      json = object;
    } catch (NoSuchFileException e) {
      json = Json.object();
    } catch (IOException e) {
      throw new ConfigException(absolute + ": cannot be read: " + e.getMessage(), e);
    }
    change.accept(json);
    LoadedConfig checked = loaded(absolute, Json.writePretty(json) + "\n", false, env);
    writeJson(absolute, json);
    return checked;
  }

  private static String writeJson(Path file, ObjectNode json) {
    String text = Json.writePretty(json) + "\n";
    try {
      AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8), true);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be written: " + e.getMessage(), e);
    }
    return text;
  }

  /** The config as the JSON of the file, keys in the Node server's order; secrets included. */
  public static ObjectNode toJson(CcsConfig c) {
    ObjectNode root = Json.object();
    root.put("port", c.port());
    root.put("host", c.host());
    root.put("claudePath", c.claudePath());
    root.put("nodeBinDir", c.nodeBinDir() == null ? null : c.nodeBinDir().toString());
    root.put("workspacePath", c.workspacePath().toString());
    allowedProjectRoots(root, c);
    root.put("logFile", c.logFile().toString());
    root.put("pidFile", c.pidFile().toString());
    root.put("dataDir", c.dataDir().toString());
    root.put("sessionRetentionDays", c.sessionRetentionDays());
    taskQueue(root, c);
    rateLimit(root, c);
    root.put("defaultModel", c.defaultModel());
    root.put("maxBudgetUsd", c.maxBudgetUsd());
    webhook(root, c);
    statistics(root, c);
    mcp(root, c);
    root.put("logLevel", c.logLevel());
    root.put("logFormat", c.logging().format());
    root.put("logMaxBytes", c.logging().maxBytes());
    root.put("logMaxFiles", c.logging().maxFiles());
    root.put("allowDangerouslySkipPermissions", c.allowDangerouslySkipPermissions());
    security(root, c);
    execution(root, c);
    http(root, c);
    streaming(root, c);
    limits(root, c);
    providers(root, c);
    loadBalance(root, c);
    root.putObject("shutdown").put("graceMs", c.shutdown().grace().toMillis());
    ObjectNode models = root.putObject("openai").putObject("models");
    c.openai().models().forEach(models::put);
    store(root, c.store());
    ObjectNode warm = root.putObject("warmSessions");
    warm.put("enabled", c.warmSessions().enabled());
    warm.put("maxWarm", c.warmSessions().maxWarm());
    warm.put("idleMs", c.warmSessions().idle().toMillis());
    warm.put("maxTurnsPerProcess", c.warmSessions().maxTurnsPerProcess());
    warm.put("memoryBudgetMb", c.warmSessions().memoryBudgetMb());
    return root;
  }

  private static void store(ObjectNode root, StoreConfig store) {
    ObjectNode node = root.putObject("store");
    node.put("type", store.type());
    node.put("url", store.url());
    node.put("user", store.user());
    node.put("password", store.password());
    node.put("poolSize", store.poolSize());
    node.put("nodeId", store.nodeId());
    node.put("leaseMs", store.lease().toMillis());
    node.put("globalConcurrency", store.globalConcurrency());
    node.put("advertiseUrl", store.advertiseUrl());
  }

  private static void allowedProjectRoots(ObjectNode root, CcsConfig c) {
    var roots = root.putArray("allowedProjectRoots");
    c.allowedProjectRoots().forEach(p -> roots.add(p.toString()));
  }

  private static void taskQueue(ObjectNode root, CcsConfig c) {
    ObjectNode tq = root.putObject("taskQueue");
    tq.put("concurrency", c.taskQueue().concurrency());
    tq.put("defaultTimeout", c.taskQueue().defaultTimeout().toMillis());
    tq.put("retries", c.taskQueue().retries());
    tq.put("retryBackoff", c.taskQueue().retryBackoff().toMillis());
    tq.put("onInterrupted", c.taskQueue().requeueInterrupted() ? "requeue" : "fail");
    tq.put("maxPending", c.taskQueue().maxPending());
    tq.put("maxIdempotencyKeys", c.taskQueue().maxIdempotencyKeys());
  }

  private static void rateLimit(ObjectNode root, CcsConfig c) {
    ObjectNode rl = root.putObject("rateLimit");
    rl.put("enabled", c.rateLimit().enabled());
    rl.put("windowMs", c.rateLimit().window().toMillis());
    rl.put("maxRequests", c.rateLimit().maxRequests());
    rl.put("burst", c.rateLimit().burst());
    rl.put("perAddressMaxRequests", c.rateLimit().perAddressMaxRequests());
  }

  private static void webhook(ObjectNode root, CcsConfig c) {
    ObjectNode wh = root.putObject("webhook");
    wh.put("enabled", c.webhook().enabled());
    wh.put("defaultUrl", c.webhook().defaultUrl());
    wh.put("timeout", c.webhook().timeout().toMillis());
    wh.put("retries", c.webhook().retries());
    wh.put("secret", c.webhook().secret());
    wh.put("allowPrivateTargets", c.webhook().allowPrivateTargets());
  }

  private static void statistics(ObjectNode root, CcsConfig c) {
    ObjectNode st = root.putObject("statistics");
    st.put("enabled", c.statistics().enabled());
    st.put("collectionInterval", c.statistics().collectionInterval().toMillis());
    st.put("retentionDays", c.statistics().retentionDays());
  }

  private static void mcp(ObjectNode root, CcsConfig c) {
    ObjectNode mcp = root.putObject("mcp");
    mcp.put("enabled", c.mcp().enabled());
    mcp.put("configPath", c.mcp().configPath() == null ? null : c.mcp().configPath().toString());
    mcp.put("strict", c.mcp().strict());
    mcp.put("allowRequestConfig", c.mcp().allowRequestConfig());
    ObjectNode allowed = mcp.putObject("allowedConfigs");
    c.mcp().allowedConfigs().forEach((name, path) -> allowed.put(name, path.toString()));
  }

  private static void security(ObjectNode root, CcsConfig c) {
    ObjectNode sec = root.putObject("security");
    ObjectNode auth = sec.putObject("auth");
    auth.put("enabled", c.security().auth().enabled());
    auth.put("secretKey", c.security().auth().secretKey());
    auth.put("bypassHealthCheck", c.security().auth().bypassHealthCheck());
    auth.put("bypassMetrics", c.security().auth().bypassMetrics());
    sec.putObject("swaggerDocs").put("enabled", c.security().swaggerDocs())
        .put("public", c.security().swaggerDocsPublic());
    sec.putObject("audit").put("enabled", c.security().audit());
    sec.put("allowUnauthenticatedRemote", c.security().allowUnauthenticatedRemote());
    var modes = sec.putArray("allowedPermissionModes");
    c.security().allowedPermissionModes().forEach(modes::add);
    var proxies = root.putArray("trustProxy");
    c.security().trustProxy().forEach(range -> proxies.add(range.text()));
  }

  private static void execution(ObjectNode root, CcsConfig c) {
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
  }

  private static void http(ObjectNode root, CcsConfig c) {
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
  }

  private static void streaming(ObjectNode root, CcsConfig c) {
    ObjectNode sm = root.putObject("streaming");
    sm.put("heartbeatMs", c.streaming().heartbeat().toMillis());
    sm.put("retentionMs", c.streaming().retention().toMillis());
    sm.put("maxBufferedEvents", c.streaming().maxBufferedEvents());
    sm.put("maxBufferedBytes", c.streaming().maxBufferedBytes());
    sm.put("cancelOnDisconnect", c.streaming().cancelOnDisconnect());
    sm.put("maxClients", c.streaming().maxClients());
    sm.put("maxRetainedBytes", c.streaming().maxRetainedBytes());
  }

  private static void limits(ObjectNode root, CcsConfig c) {
    ObjectNode li = root.putObject("limits");
    li.put("maxPromptBytes", c.limits().maxPromptBytes());
    li.put("maxMetadataBytes", c.limits().maxMetadataBytes());
    li.put("maxMetadataDepth", c.limits().maxMetadataDepth());
    li.put("maxArgumentBytes", c.limits().maxArgumentBytes());
    li.put("maxStoredSessions", c.limits().maxStoredSessions());
    li.put("maxStoredMetadataBytes", c.limits().maxStoredMetadataBytes());
    li.put("maxStoredTasks", c.limits().maxStoredTasks());
  }

  private static void providers(ObjectNode root, CcsConfig c) {
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
  }

  private static void loadBalance(ObjectNode root, CcsConfig c) {
    ObjectNode lb = root.putObject("loadBalance");
    lb.put("strategy", c.loadBalance().strategy());
    lb.put("failover", c.loadBalance().failover());
    lb.put("failureThreshold", c.loadBalance().failureThreshold());
    lb.put("bindingTtl", c.loadBalance().bindingTtl().toMillis());
    lb.put("recoveryTimeout", c.loadBalance().recoveryTimeout().toSeconds());
  }

  /** A new random auth secret in the Node server's format: {@code ccs_sk_} and 64 hex digits. */
  public static String newSecretKey() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return "ccs_sk_" + HexFormat.of().formatHex(bytes);
  }

}
