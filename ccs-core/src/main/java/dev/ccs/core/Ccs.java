package dev.ccs.core;

import dev.ccs.core.auth.ApiKeys;
import dev.ccs.core.balance.LoadBalancer;
import dev.ccs.core.balance.ProviderSettings;
import dev.ccs.core.cluster.Cluster;
import dev.ccs.core.concurrent.Threads;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.exec.ClaudeExecutor;
import dev.ccs.core.exec.CliMonitor;
import dev.ccs.core.exec.CliStatus;
import dev.ccs.core.limit.InputLimits;
import dev.ccs.core.limit.RunSlots;
import dev.ccs.core.message.MessageRequest;
import dev.ccs.core.message.MessageResult;
import dev.ccs.core.process.ProcessLauncher;
import dev.ccs.core.process.ProcessTags;
import dev.ccs.core.run.RunEnvironment;
import dev.ccs.core.run.RunPolicy;
import dev.ccs.core.session.Projects;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionManager;
import dev.ccs.core.stats.Statistics;
import dev.ccs.core.store.FileStorage;
import dev.ccs.core.store.Storage;
import dev.ccs.core.store.StorageProvider;
import dev.ccs.core.stream.StreamRegistry;
import dev.ccs.core.task.TaskQueue;
import dev.ccs.core.time.Scheduler;
import dev.ccs.core.time.Ticker;
import dev.ccs.core.warm.WarmPool;
import dev.ccs.core.webhook.WebhookDispatcher;
import dev.ccs.core.workspace.ProjectRoots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ccs engine: one object that an application embeds, and that the HTTP server and the examples
 * drive. Thread-safe. Build it from a {@link CcsConfig}; {@link #close()} ends every running CLI
 * process.
 *
 * <pre>{@code
 * CcsConfig config = ConfigLoader.load(ConfigLoader.defaultConfigFile(), System.getenv()).config();
 * try (Ccs ccs = Ccs.builder(config).build()) {
 *   MessageResult answer = ccs.send(MessageRequest.of("Summarise README.md"));
 *   System.out.println(answer.result() + " ($" + answer.costUsd() + ")");
 * }
 * }</pre>
 */
public final class Ccs implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Ccs.class);

  private volatile CcsConfig config;
  private final RunPolicy policy;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Storage storage;
  private final ClaudeExecutor executor;
  private final CliMonitor cli;
  private final ProjectRoots projectRoots;
  private final LoadBalancer balancer;
  private final ProviderSettings providerSettings;
  private final Statistics statistics;
  private final ApiKeys apiKeys;
  private final StreamRegistry streams;
  private final InputLimits limits;
  private final RunSlots runSlots;
  private final ExecutorService workers;
  private final java.util.concurrent.Executor jobs;
  private final SessionManager sessions;
  private final Projects projects;
  private final ExecutorService senders;
  private final WebhookDispatcher webhooks;
  private final TaskQueue tasks;
  private final Instant startedAt;
  private volatile boolean closed;

  private Ccs(Builder b) {
    config = b.config;
    clock = b.clock;
    scheduler = b.scheduler;
    // First: the data directory is this instance's (a second server is refused here).
    storage = b.storage != null ? b.storage : StorageProvider.open(config, clock);
    try {
      Map<String, String> environment = RunEnvironment.of(config, b.environment);
    executor = ClaudeExecutor.builder(config.claudePath())
        .baseEnvironment(environment)
        .launcher(b.launcher)
        .owner(ownerTag(config))
        .scheduler(b.scheduler)
        .ticker(b.ticker)
        .defaultTimeout(config.execution().timeout())
        .killGrace(config.execution().killGracePeriod())
        .maxLineBytes(config.execution().maxOutputLineBytes())
        .build();
    cli = new CliMonitor(config.claudePath(), environment, clock);
    projectRoots = new ProjectRoots(config.projectRoots());
    streams = new StreamRegistry(clock, scheduler, config.streaming(),
        storage.cluster().map(c -> "_" + Cluster.streamTag(c.nodeId())).orElse(""));
    limits = new InputLimits(config.limits());
    runSlots = new RunSlots(config.execution().maxConcurrentRuns(), config.execution().maxWaitingRuns(),
        config.execution().runWaitTimeout(), scheduler);
    workers = Threads.perTaskExecutor("ccs-turn", 10_000);
    jobs = b.jobs != null ? b.jobs : workers;
    // Counters are saved a second after the runs that changed them, one save for all of them.
    java.util.concurrent.Executor delayedJobs = job -> b.scheduler.schedule(Duration.ofSeconds(1), () -> {
      try {
        jobs.execute(job);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // Closing: close() saves the states itself.
      }
    });
    balancer = new LoadBalancer(config.providers(), config.loadBalance(), clock, storage.providerStates(),
        delayedJobs, b.environment);
    providerSettings = ProviderSettings.of(config);
    if (balancer.configured()) {
      // Session affinity survives a restart: each session carries the provider it is bound to.
      for (Session session : storage.sessions().all()) {
        if (session.providerId() != null) {
          balancer.restoreBinding(session.id(), session.providerId(), session.updatedAt());
        }
      }
    }
    policy = new RunPolicy(config, balancer, providerSettings, b.environment);
    statistics = new Statistics(config.statistics(), storage.statistics(), clock);
    apiKeys = new ApiKeys(config.security().auth(), storage.apiKeys(), clock, scheduler);
    sessions = new SessionManager(config, storage, executor, policy, projectRoots, streams, limits,
        runSlots, clock, b.ticker, workers, jobs, statistics, new WarmPool(executor, config.warmSessions(), scheduler,
        b.ticker));
    projects = new Projects(storage, sessions, projectRoots.defaultRoot());
    senders = Threads.perTaskExecutor("ccs-webhook", 64);
    webhooks = new WebhookDispatcher(config.webhook(), WebhookDispatcher.signingSecret(config.webhook()),
        storage.deliveries(), clock, scheduler, senders);
    tasks = new TaskQueue(config, storage.tasks(), sessions, webhooks, streams, limits, clock, b.ticker, scheduler,
        workers, jobs);
    startedAt = clock.instant();
    // What a previous server on this data directory left running when it died is ended now, and
    // gone, before any task it ran can run again.
    int orphans = executor.killOrphans(config.execution().killGracePeriod());
    if (orphans > 0) {
      LOG.info("ended {} process(es) left running by a previous server on {}", orphans, config.dataDir());
    }
    // Deliveries left pending by the previous server first, so that the ones the start adds are not resumed twice.
    webhooks.resumePending();
    // Runs a crash kept from the last statistics snapshot are counted from the histories, before any new one
    // (not on a shared store: the histories hold every node's runs, and each node counts its own).
    if (storage.tasks().sharedLine().isEmpty()) {
      statistics.catchUp(storage);
    }
    statistics.saveEvery(scheduler, jobs);
    tasks.start();
    new Retention(() -> this.config.sessionRetentionDays(), clock, scheduler, jobs, sessions, tasks,
        () -> closed).start();
    } catch (RuntimeException | Error e) {
      storage.close();
      throw e;
    }
  }

  /** A builder of the engine for {@code config}. */
  public static Builder builder(CcsConfig config) {
    return new Builder(config);
  }

  /**
   * The tag every CLI process of an engine on this data directory carries in its environment, so
   * that the next engine on it can find and end what a dead one left running.
   */
  public static String ownerTag(CcsConfig config) {
    return ProcessTags.ownerTag(config.dataDir());
  }

  /** The config in force (after the last {@link #reconfigure}). */
  public CcsConfig config() {
    return config;
  }

  /**
   * Applies a new config while running (a reload): rate limits and keys are the HTTP server's; here
   * the default model and budget, permission and MCP rules, the queue's concurrency, timeouts and
   * retries, webhooks, providers (each surviving id keeps its health) and statistics. Settings
   * that need a restart must carry their running values ({@link dev.ccs.core.config.ConfigReload}
   * does that); they are not looked at. Each turn and task plans with one config, never half of two.
   */
  public synchronized void reconfigure(CcsConfig next) {
    Objects.requireNonNull(next, "next");
    config = next;
    policy.reconfigure(next);
    sessions.reconfigure(next);
    tasks.reconfigure(next.taskQueue());
    webhooks.reconfigure(next.webhook(), WebhookDispatcher.signingSecret(next.webhook()));
    balancer.reconfigure(next.providers(), next.loadBalance());
    statistics.reconfigure(next.statistics());
    apiKeys.reconfigure(next.security().auth());
  }

  public Clock clock() {
    return clock;
  }

  public Instant startedAt() {
    return startedAt;
  }

  /** Whether the CLI can be run, and its version. */
  public CliStatus cliStatus() {
    return cli.status();
  }

  /** The executor, for running requests built by hand. */
  public ClaudeExecutor executor() {
    return executor;
  }

  /** The providers' health and the sessions bound to them. */
  public LoadBalancer balancer() {
    return balancer;
  }

  /** The nodes sharing this engine's storage (several nodes on one database); empty for a storage it owns. */
  public Optional<Cluster> cluster() {
    return storage.cluster();
  }

  /** Usage statistics: runs, tokens and cost per day, model, provider, project and key. */
  public Statistics statistics() {
    return statistics;
  }

  /** The API keys that open the HTTP API (the Node server's derived key and named keys). */
  public ApiKeys apiKeys() {
    return apiKeys;
  }

  /** Each provider's CLI settings (passed to its runs with {@code --settings}). */
  public ProviderSettings providerSettings() {
    return providerSettings;
  }

  public ProjectRoots projectRoots() {
    return projectRoots;
  }

  /** Sessions, their turns and their streams. */
  public SessionManager sessions() {
    return sessions;
  }

  /** Sessions grouped by working directory. */
  public Projects projects() {
    return projects;
  }

  /** The task queue. */
  public TaskQueue tasks() {
    return tasks;
  }

  /** Webhook deliveries. */
  public WebhookDispatcher webhooks() {
    return webhooks;
  }

  /** The size limits every request is checked against. */
  public InputLimits limits() {
    return limits;
  }

  /** Admission of synchronous and streamed runs ({@code execution.maxConcurrentRuns} and the waiting line). */
  public RunSlots runSlots() {
    return runSlots;
  }

  /** Streams of recent streamed turns. */
  public StreamRegistry streams() {
    return streams;
  }

  public Storage storage() {
    return storage;
  }

  /**
   * Sends one prompt and waits for the answer.
   *
   * @throws CcsException.InvalidRequest, CcsException.PathNotAllowed, CcsException.Forbidden for
   *     requests the server refuses (nothing runs)
   * @throws CcsException.CliUnavailable when the CLI cannot be started
   * @throws RunFailedException when the CLI ran but failed or timed out (with what it cost)
   */
  public MessageResult send(MessageRequest request) {
    try {
      return sessions.send(request.prompt(), request.projectPath(), request.sessionId(), request.options());
    } catch (CcsException.CliUnavailable e) {
      cli.invalidate();
      throw e;
    }
  }

  /**
   * Stops gracefully: no task starts any more, and turns and tasks already running get up to
   * {@code grace} to finish; then {@link #close()} ends what still runs (its tasks are recorded as
   * interrupted, to be requeued or failed at the next start per {@code taskQueue.onInterrupted}).
   *
   * @return whether everything finished within {@code grace}
   */
  public boolean shutdown(Duration grace) {
    boolean finished = true;
    if (!closed) {
      tasks.close();
      finished = sessions.shutdown(grace);
      if (!finished) {
        LOG.info("turns still running after the shutdown grace of {} ms are ended now", grace.toMillis());
      }
    }
    close();
    return finished;
  }

  /**
   * Ends every running CLI process (SIGTERM, then SIGKILL after the grace period), records what
   * they did, and releases the data directory.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // No new task starts; running ones are recorded as interrupted (requeued) when their runs end.
    tasks.close();
    // Cancel what runs, let each turn record what its run did, then close the store.
    Thread stopper = new Thread(() -> { sessions.warm().close(); executor.close(); }, "ccs-stop-runs");
    stopper.start();
    if (!sessions.shutdown(config.execution().killGracePeriod().plusSeconds(10))) {
      LOG.warn("turns still running at shutdown; their results are not recorded");
    }
    try {
      stopper.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdown();
    webhooks.close();
    senders.shutdown();
    try {
      if (!workers.awaitTermination(config.execution().killGracePeriod().toMillis() + 5000, TimeUnit.MILLISECONDS)) {
        LOG.warn("turns still finishing at shutdown");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    saving("statistics", statistics::close);
    saving("provider states", balancer::flush);
    saving("API keys' last-used times", apiKeys::close);
    storage.close();
  }

  /** Saves what {@code save} saves at shutdown; a failure is logged, and the shutdown goes on. */
  private static void saving(String what, Runnable save) {
    try {
      save.run();
    } catch (RuntimeException e) {
      LOG.warn("{} not saved at shutdown: {}", what, e.getMessage());
    }
  }

  /** Builder of {@link Ccs}; only the config is required. */
  public static final class Builder {
    private final CcsConfig config;
    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler = Scheduler.system();
    private Ticker ticker = Ticker.system();
    private ProcessLauncher launcher = ProcessLauncher.system();
    private Map<String, String> environment = System.getenv();
    private Storage storage;
    private java.util.concurrent.Executor jobs;

    private Builder(CcsConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** Wall clock for timestamps and retention; default UTC system clock. */
    public Builder clock(Clock value) {
      clock = Objects.requireNonNull(value);
      return this;
    }

    /** Timeouts, grace periods, retries; default a shared daemon thread. */
    public Builder scheduler(Scheduler value) {
      scheduler = Objects.requireNonNull(value);
      return this;
    }

    public Builder ticker(Ticker value) {
      ticker = Objects.requireNonNull(value);
      return this;
    }

    public Builder launcher(ProcessLauncher value) {
      launcher = Objects.requireNonNull(value);
      return this;
    }

    /**
     * The environment runs inherit (when {@code execution.inheritEnv}); default this process's.
     * Tests pass a clean one.
     */
    public Builder environment(Map<String, String> value) {
      environment = Map.copyOf(value);
      return this;
    }

    /**
     * Runs background jobs (retention: removing expired sessions and tasks, and those beyond the
     * {@code limits.maxStored*} bounds); default a worker thread. Tests pass {@code Runnable::run}
     * to run them on the calling thread, deterministically.
     */
    public Builder jobExecutor(java.util.concurrent.Executor value) {
      jobs = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Where sessions and messages are kept; default the one {@code store} names ({@link FileStorage}
     * on {@code dataDir}, or a {@link StorageProvider}'s).
     */
    public Builder storage(Storage value) {
      storage = Objects.requireNonNull(value);
      return this;
    }

    public Ccs build() {
      return new Ccs(this);
    }
  }

}
