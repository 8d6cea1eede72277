package dev.ccs.httpd;

import com.sun.net.httpserver.HttpServer;
import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.HttpConfig;
import dev.ccs.core.config.LoadedConfig;
import dev.ccs.httpd.log.ServerLog;
import dev.ccs.httpd.reload.ConfigReloader;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import dev.ccs.httpd.access.AccessGate;
import dev.ccs.httpd.handlers.KeysHandler;
import dev.ccs.httpd.handlers.McpHandler;
import dev.ccs.httpd.docs.DocsHandler;
import dev.ccs.httpd.docs.OpenApiDocument;
import dev.ccs.core.config.Version;
import dev.ccs.core.time.Ticker;
import dev.ccs.httpd.handlers.ConfigHandler;
import dev.ccs.httpd.handlers.HealthHandler;
import dev.ccs.httpd.handlers.LoadBalanceHandler;
import dev.ccs.httpd.log.AccessLog;
import dev.ccs.httpd.log.AuditLog;
import dev.ccs.httpd.metrics.HttpMetrics;
import dev.ccs.httpd.routing.RequestObserver;
import dev.ccs.httpd.metrics.MetricsHandler;
import dev.ccs.httpd.handlers.MessagesHandler;
import dev.ccs.httpd.handlers.ProjectsHandler;
import dev.ccs.httpd.handlers.SessionsHandler;
import dev.ccs.httpd.handlers.StatisticsHandler;
import dev.ccs.httpd.handlers.StreamsHandler;
import dev.ccs.httpd.handlers.TasksHandler;
import dev.ccs.httpd.routing.HttpAdapter;
import dev.ccs.httpd.routing.Router;
import dev.ccs.httpd.transport.BodyBudget;
import dev.ccs.httpd.transport.ExchangeExecutor;
import dev.ccs.httpd.transport.IoWatchdog;
import dev.ccs.httpd.transport.JdkServerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of a {@link Ccs} on the JDK's {@code com.sun.net.httpserver}. Every exchange gets its
 * own thread (virtual on Java 21+, from a bounded pool on 17-20), so a long run or a stream never
 * holds up other requests; the limits of {@code http.*} bound what slow or greedy clients can hold.
 *
 * <pre>{@code
 * try (Ccs ccs = Ccs.builder(config).build();
 *      CcsHttpServer server = CcsHttpServer.start(ccs, "127.0.0.1", 5546)) {
 *   ...
 * }
 * }</pre>
 */
public final class CcsHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CcsHttpServer.class);

  private final HttpServer server;
  private final HttpAdapter adapter;
  private final ExchangeExecutor executor;
  private final IoWatchdog watchdog;
  private final AuditLog audit;
  private final AccessGate gate;
  private final java.util.concurrent.atomic.AtomicReference<ConfigReloader> reloader;
  private final InetAddress address;
  private final String host;

  private CcsHttpServer(HttpServer server, HttpAdapter adapter, ExchangeExecutor executor, IoWatchdog watchdog,
      AuditLog audit, AccessGate gate, java.util.concurrent.atomic.AtomicReference<ConfigReloader> reloader,
      InetAddress address, String host) {
    this.adapter = adapter;
    this.audit = audit;
    this.gate = gate;
    this.reloader = reloader;
    this.address = address;
    this.host = host;
    this.server = server;
    this.executor = executor;
    this.watchdog = watchdog;
  }

  /**
   * Binds and starts serving.
   *
   * @throws IllegalStateException when {@code host} is not a loopback address and API-key auth is
   *     off: ccs runs commands on this machine, so it is never exposed to a network unprotected
   */
  public static CcsHttpServer start(Ccs ccs, String host, int port) {
    return start(ccs, host, port, config -> ExchangeExecutor.create(config, Ticker.system()));
  }

  /** As {@link #start(Ccs, String, int)}, with the given threads (tests use the Java 17 pool on any JDK). */
  static CcsHttpServer start(Ccs ccs, String host, int port,
      java.util.function.Function<HttpConfig, ExchangeExecutor> threads) {
    Objects.requireNonNull(ccs, "ccs");
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("host \"" + host + "\" cannot be resolved", e);
    }
    checkExposure(ccs.config(), address, host);
    HttpConfig http = ccs.config().http();
    // Before the first server of the JVM is created: the JDK reads them once.
    JdkServerSettings.apply(http);
    HttpMetrics metrics = new HttpMetrics();
    java.util.concurrent.atomic.AtomicReference<ConfigReloader> reloader = new java.util.concurrent.atomic.AtomicReference<>();
    Router router = routes(ccs, metrics, reloader);
    ExchangeExecutor executor = threads.apply(http);
    IoWatchdog watchdog = new IoWatchdog(http.ioTimeout(), Ticker.system());
    HttpServer server;
    AuditLog audit = null;
    try {
      audit = AuditLog.open(ccs.config(), java.time.Clock.systemUTC());
      server = HttpServer.create(new InetSocketAddress(address, port), BACKLOG);
    } catch (IOException e) {
      executor.close();
      watchdog.close();
      if (audit != null) {
        audit.close();
      }
      throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    List<RequestObserver> observers = new java.util.ArrayList<>(List.of(metrics, new AccessLog()));
    if (audit != null) {
      observers.add(audit);
    }
    AccessGate gate = new AccessGate(ccs.apiKeys(), ccs.config(), Ticker.system());
    HttpAdapter adapter = new HttpAdapter(router, http, gate, new BodyBudget(http.maxBodyBytesInFlight()), watchdog,
        RequestObserver.all(observers));
    server.createContext("/", adapter);
    server.setExecutor(executor);
    server.start();
    LOG.info("listening on http://{}:{}", host, server.getAddress().getPort());
    advertise(ccs, address, server.getAddress().getPort());
    return new CcsHttpServer(server, adapter, executor, watchdog, audit, gate, reloader, address, host);
  }

  /**
   * Tells the other nodes sharing the store where this one is reached ({@code store.advertiseUrl},
   * or the bound address).
   */
  private static void advertise(Ccs ccs, InetAddress address, int port) {
    ccs.cluster().ifPresent(cluster -> {
      String url = ccs.config().store().advertiseUrl();
      if (url == null) {
        String host = address.getHostAddress();
        if (address.isAnyLocalAddress()) {
          try {
            host = InetAddress.getLocalHost().getHostName();
          } catch (UnknownHostException e) {
            LOG.warn("bound to every address and the host has no name: set store.advertiseUrl for the other nodes");
            return;
          }
        }
        url = "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
      }
      cluster.advertise(url);
      LOG.info("node {} of a shared store, reached at {}", cluster.nodeId(), url);
    });
  }

  /**
   * Refuses a non-loopback address without authentication, unless the operator said
   * {@code security.allowUnauthenticatedRemote} (then warns, at every start): ccs runs commands on
   * this machine for whoever can reach it.
   */
  static void checkExposure(CcsConfig config, InetAddress address, String host) {
    if (address.isLoopbackAddress() || config.security().auth().enabled()) {
      return;
    }
    if (!config.security().allowUnauthenticatedRemote()) {
      throw new IllegalStateException("refusing to listen on " + host + " without authentication: anyone who "
          + "can reach it could run commands on this machine. Either set security.auth.enabled to true "
          + "(clients then send an API key), or, on a network you trust, set "
          + "security.allowUnauthenticatedRemote to true; or bind 127.0.0.1. (This is the Node server's default "
          + "config: ccs import offers to apply a fix when it brings that server's data over.)");
    }
    LOG.warn("listening on {} WITHOUT authentication (security.allowUnauthenticatedRemote is true): anyone who can "
        + "reach this address can run commands on this machine", host);
  }

  /** Connections accepted by the kernel before the server takes them (beyond http.maxConnections, they wait here). */
  private static final int BACKLOG = 1024;

  static Router routes(Ccs ccs, HttpMetrics metrics) {
    return routes(ccs, metrics, new java.util.concurrent.atomic.AtomicReference<>());
  }

  static Router routes(Ccs ccs, HttpMetrics metrics,
      java.util.concurrent.atomic.AtomicReference<ConfigReloader> reloader) {
    int prompt = ccs.config().http().maxBodyBytes();
    HealthHandler health = new HealthHandler(ccs);
    StreamsHandler streams = new StreamsHandler(ccs);
    SessionsHandler sessions = new SessionsHandler(ccs, streams);
    ProjectsHandler projects = new ProjectsHandler(ccs);
    TasksHandler tasks = new TasksHandler(ccs, streams);
    MessagesHandler messages = new MessagesHandler(ccs, streams, tasks);
    LoadBalanceHandler balance = new LoadBalanceHandler(ccs);
    StatisticsHandler statistics = new StatisticsHandler(ccs);
    MetricsHandler prometheus = new MetricsHandler(ccs, metrics);
    ConfigHandler configuration = new ConfigHandler(ccs, reloader::get);
    KeysHandler keys = new KeysHandler(ccs.apiKeys(), ccs.clock());
    McpHandler mcp = new McpHandler(ccs);
    dev.ccs.httpd.openai.ChatCompletionsHandler openai = new dev.ccs.httpd.openai.ChatCompletionsHandler(ccs);
    dev.ccs.httpd.anthropic.MessagesFaceHandler anthropic = new dev.ccs.httpd.anthropic.MessagesFaceHandler(ccs);
    Router router = new Router();
    DocsHandler docs = new DocsHandler(() -> ccs.config().security().swaggerDocs(),
        () -> OpenApiDocument.build(router.routes(), Version.current()));
    return router
        .get("/health", health::health)
        .get("/metrics", prometheus::metrics)
        .get("/api-docs", docs::page)
        .get("/api-docs/{*asset}", docs::asset)
        .get("/api-docs.json", docs::json)
        .admin("GET", "/api/config", configuration::config)
        .admin("POST", "/api/config/reload", configuration::reload)
        .admin("GET", "/api/keys", keys::list)
        .admin("POST", "/api/keys", keys::create)
        .admin("GET", "/api/keys/{id}", keys::get)
        .admin("DELETE", "/api/keys/{id}", keys::revoke)
        .get("/api/mcp", mcp::list)
        .post("/api/messages", prompt, messages::send)
        .post("/v1/chat/completions", prompt, openai::complete)
        .get("/v1/models", openai::models)
        .post("/v1/messages", prompt, anthropic::create)
        .post("/api/sessions", sessions::create)
        .get("/api/sessions", sessions::list)
        .get("/api/sessions/search", sessions::search)
        .get("/api/sessions/{id}", sessions::get)
        .delete("/api/sessions/{id}", sessions::delete)
        .patch("/api/sessions/{id}/status", sessions::setStatus)
        .get("/api/sessions/{id}/stats", sessions::stats)
        .post("/api/sessions/{id}/continue", prompt, sessions::continueSession)
        .post("/api/sessions/{id}/continue/stream", prompt, sessions::continueStream)
        .get("/api/sessions/{id}/messages", sessions::messages)
        .get("/api/sessions/{id}/stream/status", streams::status)
        .get("/api/sessions/{id}/stream/resume", streams::resume)
        .delete("/api/sessions/{id}/stream", streams::cancel)
        .get("/api/projects", projects::list)
        .get("/api/projects/stats", projects::stats)
        .delete("/api/projects/{*path}", projects::delete)
        .post("/api/async/messages", prompt, tasks::asyncMessage)
        .post("/api/messages/batches", prompt, tasks::batch)
        .post("/api/tasks/async", prompt, tasks::create)
        .get("/api/tasks", tasks::list)
        .get("/api/tasks/queue/status", tasks::queueStatus)
        .get("/api/tasks/dead-letter", tasks::deadLetters)
        .get("/api/tasks/{id}", tasks::get)
        .delete("/api/tasks/{id}", tasks::cancel)
        .patch("/api/tasks/{id}/priority", tasks::setPriority)
        .post("/api/tasks/{id}/replay", tasks::replay)
        .get("/api/tasks/{id}/events", tasks::events)
        .get("/api/tasks/{id}/webhooks", tasks::webhooks)
        .get("/api/load-balance/status", balance::status)
        .get("/api/load-balance/bindings", balance::bindings)
        .admin("POST", "/api/load-balance/providers/{id}/reset", balance::reset)
        .admin("POST", "/api/load-balance/providers/{id}/enable", balance::enable)
        .admin("POST", "/api/load-balance/providers/{id}/disable", balance::disable)
        .admin("GET", "/api/load-balance/providers/{id}/settings", balance::getSettings)
        .admin("PUT", "/api/load-balance/providers/{id}/settings", balance::putSettings)
        .admin("DELETE", "/api/load-balance/providers/{id}/settings", balance::deleteSettings)
        .get("/api/load-balance/providers/{id}/settings/exists", balance::settingsExist)
        .get("/api/load-balance/settings/list", balance::listSettings)
        .get("/api/statistics", statistics::overview)
        .get("/api/statistics/summary", statistics::summary)
        .get("/api/statistics/daily", statistics::daily)
        .get("/api/statistics/range", statistics::range)
        .get("/api/statistics/models", statistics::models)
        .get("/api/statistics/providers", statistics::providers)
        .get("/api/statistics/projects", statistics::projects);
  }

  /**
   * Watches the config file {@code start} was loaded from and applies its edits while serving
   * (hot reload; {@code POST /api/config/reload} too). An edit that would expose the server without
   * authentication is refused like an invalid one.
   *
   * @param environment the process environment ({@code CCS_*} overrides apply to reloads as at start)
   * @param argumentKeys keys set on the command line, which a reload leaves as set
   */
  public ConfigReloader watchConfig(Ccs ccs, LoadedConfig start, Map<String, String> environment,
      Set<String> argumentKeys) {
    ConfigReloader watcher = new ConfigReloader(start, environment, argumentKeys, ccs,
        next -> checkExposure(next, address, host),
        next -> {
          gate.reconfigure(next);
          ServerLog.level(next.logLevel());
          if (audit != null) {
            audit.event("config_applied", "file", Map.of("file", start.file().toString()));
          }
        }, Duration.ofMillis(250), Duration.ofSeconds(2));
    if (!reloader.compareAndSet(null, watcher)) {
      throw new IllegalStateException("the config is watched already");
    }
    return watcher.start();
  }

  /** Authentication and rate limits, whose settings a config reload replaces. */
  public AccessGate gate() {
    return gate;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Threads running HTTP exchanges now (Java 17-20; virtual threads are not counted). */
  public int handlerThreads() {
    return executor.threads();
  }

  /** Stops accepting requests; exchanges in progress get a second to finish. */
  @Override
  public void close() {
    stop(java.time.Duration.ofSeconds(1));
  }

  private void stopWatching() {
    ConfigReloader watcher = reloader.get();
    if (watcher != null) {
      watcher.close();
    }
  }

  /**
   * Answers new requests 503 {@code server_stopping} at once, waits up to {@code wait} for the
   * requests in progress to be answered, then closes the listener and every connection and
   * releases the threads. (The JDK's own {@code stop(delay)} waits the whole delay when nothing is
   * in progress, on Java 17 to 20: it is called with no delay, once the requests are done.)
   */
  public void stop(java.time.Duration wait) {
    stopWatching();
    adapter.drain();
    long deadline = System.nanoTime() + wait.toNanos();
    while (adapter.inFlight() > 0 && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    server.stop(0);
    executor.close();
    watchdog.close();
    if (audit != null) {
      audit.close();
    }
  }
}
