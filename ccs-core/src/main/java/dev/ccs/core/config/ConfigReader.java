package dev.ccs.core.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads the sections of a config file into their records, one method per section, each key with
 * its default and its allowed range. Problems are collected by {@link ConfigSection}, so that one
 * pass reports every bad value of a file.
 */
final class ConfigReader {

  /** Keys of the Node server that ccs reads but does not need; they are not reported as unknown. */
  private static final List<String> LEGACY_KEYS =
      List.of("nvmBin", "enableRootCompatibility");

  private ConfigReader() {
  }

  static CcsConfig read(ConfigSection s, CcsConfig d) {
    for (String legacy : LEGACY_KEYS) {
      s.has(legacy);
    }
    // 1.0.0 called the workspace "defaultProjectPath"; it is still honoured when workspacePath is absent.
    Path legacyWorkspace = s.path("defaultProjectPath", null);
    Path workspace = s.path("workspacePath", legacyWorkspace != null ? legacyWorkspace : d.workspacePath());

    TaskQueueConfig taskQueue = taskQueue(s, d);
    RateLimitConfig rateLimit = rateLimit(s, d);
    WebhookConfig webhook = webhook(s, d);
    StatisticsConfig statistics = statistics(s, d);
    McpConfig mcp = mcp(s, d);
    SecurityConfig security = security(s, d);
    ExecutionConfig execution = execution(s, d);
    HttpConfig http = http(s, d);
    StreamingConfig streaming = streaming(s, d);
    LimitsConfig limits = limits(s, d);
    List<ProviderConfig> providers = providers(s, d);
    LoadBalanceConfig loadBalance = loadBalance(s, d);

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
        security, execution, http, streaming, limits, providers, loadBalance,
        s.build(() -> new LogConfig(s.oneOf("logFormat", d.logging().format(), LogConfig.FORMATS),
            s.integer("logMaxBytes", (int) d.logging().maxBytes(), 64 * 1024, Integer.MAX_VALUE),
            s.integer("logMaxFiles", d.logging().maxFiles(), 1, 100)), d.logging()),
        shutdown(s, d), openai(s, d), store(s, d), warmSessions(s, d)), d);
  }

  private static OpenAiConfig openai(ConfigSection s, CcsConfig d) {
    ConfigSection so = s.section("openai");
    return so.build(() -> new OpenAiConfig(so.has("models") ? so.stringMap("models") : d.openai().models()), d.openai());
  }


  private static StoreConfig store(ConfigSection s, CcsConfig d) {
    ConfigSection st = s.section("store");
    StoreConfig def = d.store();
    return st.build(() -> new StoreConfig(st.oneOf("type", def.type(), StoreConfig.TYPES), st.string("url", def.url()),
        st.string("user", def.user()), st.string("password", def.password()),
        st.integer("poolSize", def.poolSize(), 1, 1000), st.string("nodeId", def.nodeId()),
        st.millis("leaseMs", def.lease()), st.optionalInteger("globalConcurrency", 1, 100_000),
        st.string("advertiseUrl", def.advertiseUrl())), def);
  }

  private static WarmSessionsConfig warmSessions(ConfigSection s, CcsConfig d) {
    ConfigSection w = s.section("warmSessions");
    WarmSessionsConfig def = d.warmSessions();
    return w.build(() -> new WarmSessionsConfig(w.bool("enabled", def.enabled()),
        w.integer("maxWarm", def.maxWarm(), 1, 1000), w.millis("idleMs", def.idle()),
        w.integer("maxTurnsPerProcess", def.maxTurnsPerProcess(), 1, 1_000_000),
        w.integer("memoryBudgetMb", def.memoryBudgetMb(), 64, 1_048_576)), def);
  }

  private static ShutdownConfig shutdown(ConfigSection s, CcsConfig d) {
    ConfigSection sd = s.section("shutdown");
    return sd.build(() -> new ShutdownConfig(sd.millis("graceMs", d.shutdown().grace())), d.shutdown());
  }

  private static TaskQueueConfig taskQueue(ConfigSection s, CcsConfig d) {
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
    return taskQueue;
  }

  private static RateLimitConfig rateLimit(ConfigSection s, CcsConfig d) {
    ConfigSection rl = s.section("rateLimit");
    RateLimitConfig rateLimit = rl.build(() -> {
      int max = rl.integer("maxRequests", d.rateLimit().maxRequests(), 1, Integer.MAX_VALUE);
      return new RateLimitConfig(
          rl.bool("enabled", d.rateLimit().enabled()),
          rl.millis("windowMs", d.rateLimit().window()),
          max,
          rl.integer("burst", max, 1, Integer.MAX_VALUE),
          rl.integer("perAddressMaxRequests", RateLimitConfig.defaultPerAddress(max), 1, Integer.MAX_VALUE));
    }, d.rateLimit());
    return rateLimit;
  }

  private static WebhookConfig webhook(ConfigSection s, CcsConfig d) {
    ConfigSection wh = s.section("webhook");
    WebhookConfig webhook = wh.build(() -> new WebhookConfig(
        wh.bool("enabled", d.webhook().enabled()),
        wh.string("defaultUrl", d.webhook().defaultUrl()),
        wh.millis("timeout", d.webhook().timeout()),
        wh.integer("retries", d.webhook().retries(), 0, 20),
        wh.string("secret", d.webhook().secret()),
        wh.bool("allowPrivateTargets", d.webhook().allowPrivateTargets())), d.webhook());
    return webhook;
  }

  private static StatisticsConfig statistics(ConfigSection s, CcsConfig d) {
    ConfigSection st = s.section("statistics");
    StatisticsConfig statistics = st.build(() -> new StatisticsConfig(
        st.bool("enabled", d.statistics().enabled()),
        st.millis("collectionInterval", d.statistics().collectionInterval()),
        st.integer("retentionDays", d.statistics().retentionDays(), 1, 100_000)), d.statistics());
    return statistics;
  }

  private static McpConfig mcp(ConfigSection s, CcsConfig d) {
    ConfigSection mc = s.section("mcp");
    McpConfig mcp = mc.build(() -> new McpConfig(
        mc.bool("enabled", d.mcp().enabled()),
        mc.path("configPath", d.mcp().configPath()),
        mc.bool("strict", d.mcp().strict()),
        mc.bool("allowRequestConfig", d.mcp().allowRequestConfig()),
        mc.namedPaths("allowedConfigs")), d.mcp());
    return mcp;
  }

  private static SecurityConfig security(ConfigSection s, CcsConfig d) {
    ConfigSection sec = s.section("security");
    ConfigSection au = sec.section("auth");
    AuthConfig auth = au.build(() -> new AuthConfig(
        au.bool("enabled", d.security().auth().enabled()),
        au.string("secretKey", d.security().auth().secretKey()),
        au.bool("bypassHealthCheck", d.security().auth().bypassHealthCheck()),
        au.bool("bypassMetrics", d.security().auth().bypassMetrics())), d.security().auth());
    ConfigSection docs = sec.section("swaggerDocs");
    boolean swagger = docs.bool("enabled", d.security().swaggerDocs());
    boolean docsPublic = docs.bool("public", d.security().swaggerDocsPublic());
    boolean audit = sec.section("audit").bool("enabled", d.security().audit());
    boolean remote = sec.bool("allowUnauthenticatedRemote", d.security().allowUnauthenticatedRemote());
    List<AddressRange> proxies = s.addressRanges("trustProxy", d.security().trustProxy());
    List<String> modes = sec.has("allowedPermissionModes") ? sec.strings("allowedPermissionModes")
        : d.security().allowedPermissionModes();
    return sec.build(() -> SecurityConfig.DEFAULT.toBuilder().auth(auth).swaggerDocs(swagger)
        .swaggerDocsPublic(docsPublic).audit(audit).allowUnauthenticatedRemote(remote).trustProxy(proxies)
        .allowedPermissionModes(modes).build(), d.security());
  }

  private static ExecutionConfig execution(ConfigSection s, CcsConfig d) {
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
    return execution;
  }

  private static HttpConfig http(ConfigSection s, CcsConfig d) {
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
    return http;
  }

  private static StreamingConfig streaming(ConfigSection s, CcsConfig d) {
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
    return streaming;
  }

  private static LimitsConfig limits(ConfigSection s, CcsConfig d) {
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
    return limits;
  }

  private static List<ProviderConfig> providers(ConfigSection s, CcsConfig d) {
    List<ProviderConfig> providers = s.objects("providers", p -> p.build(() -> new ProviderConfig(
        p.string("id", null), p.string("name", null), p.string("apiKey", null),
        p.string("baseUrl", null), p.integer("weight", 1, 1, 10), p.bool("enabled", true),
        p.stringMap("env")), null));
    return providers;
  }

  private static LoadBalanceConfig loadBalance(ConfigSection s, CcsConfig d) {
    ConfigSection lb = s.section("loadBalance");
    LoadBalanceConfig loadBalance = lb.build(() -> new LoadBalanceConfig(
        lb.oneOf("strategy", d.loadBalance().strategy(), List.of("round-robin", "weighted")),
        lb.bool("failover", d.loadBalance().failover()),
        lb.integer("failureThreshold", d.loadBalance().failureThreshold(), 1, 1000),
        lb.millis("bindingTtl", d.loadBalance().bindingTtl()),
        lb.seconds("recoveryTimeout", d.loadBalance().recoveryTimeout())), d.loadBalance());
    return loadBalance;
  }
}
