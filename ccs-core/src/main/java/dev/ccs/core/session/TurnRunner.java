package dev.ccs.core.session;

import dev.ccs.core.error.CcsException;
import dev.ccs.core.error.StaleVersionException;
import dev.ccs.core.exec.ClaudeExecutor;
import dev.ccs.core.exec.ClaudeRequest;
import dev.ccs.core.exec.ClaudeRun;
import dev.ccs.core.exec.OutputFormat;
import dev.ccs.core.exec.RunHandle;
import dev.ccs.core.exec.RunListener;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.money.Usd;
import dev.ccs.core.json.Json;
import dev.ccs.core.protocol.ModelUsage;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.run.RunPolicy;
import dev.ccs.core.time.Ticker;
import dev.ccs.core.trace.Phase;
import dev.ccs.core.warm.WarmPool;
import dev.ccs.core.workspace.ProjectRoots;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one turn of a session whose turn lock the caller holds: the CLI in the session's directory
 * (creating the CLI session on the first run, resuming it after), and the turn recorded as one
 * durable write: as soon as a successful result line decides it, while the CLI exits; after the run
 * otherwise. Counts the turns in flight, so that a stopping server can wait for their records.
 */
final class TurnRunner {

  private static final Logger LOG = LoggerFactory.getLogger(TurnRunner.class);

  /**
   * What a turn runs and how.
   *
   * @param listener gets every CLI output line
   * @param streamId the stream it is shown on, or null
   * @param timeout its own limit, or null for {@code execution.timeout}
   * @param onRun gets each run before it starts, so that it can be cancelled
   */
  record Spec(String prompt, RunOptions options, OutputFormat format, RunListener listener, String streamId,
      Duration timeout, Consumer<RunHandle> onRun) {
  }

  private final SessionStorage storage;
  private final ClaudeExecutor executor;
  private final RunPolicy policy;
  private final ProjectRoots roots;
  private volatile BigDecimal defaultBudget;
  private final Clock clock;
  private final Ticker ticker;
  private final TurnObserver observer;
  private final WarmPool warm;
  private int turnsInFlight;
  private boolean shuttingDown;

  TurnRunner(SessionStorage storage, ClaudeExecutor executor, RunPolicy policy, ProjectRoots roots,
      BigDecimal defaultBudget, Clock clock, Ticker ticker, TurnObserver observer, WarmPool warm) {
    this.observer = observer;
    this.warm = warm;
    this.storage = storage;
    this.executor = executor;
    this.policy = policy;
    this.roots = roots;
    this.defaultBudget = defaultBudget;
    this.clock = clock;
    this.ticker = ticker;
  }

  /** @throws CcsException.Conflict unless the session is active */
  static void checkRunnable(Session session) {
    if (session.status() != SessionStatus.ACTIVE) {
      throw new CcsException.Conflict("session_not_active", "Session is not active: " + session.status().wireName());
    }
  }

  /** @throws CcsException.BudgetExceeded when the session has spent its cap */
  void checkBudget(Session session) {
    BigDecimal left = session.budgetLeft(defaultBudget);
    if (left != null && left.signum() <= 0) {
      throw new CcsException.BudgetExceeded("Budget exceeded: session has already spent $"
          + session.totalCostUsd().toPlainString() + " of its $" + session.budgetCap(defaultBudget).toPlainString()
          + " limit");
    }
  }

  /**
   * Runs and records a turn; a failed run is an outcome, not an exception.
   *
   * @throws CcsException.Unavailable when the server is stopping
   * @throws CcsException.NotFound, CcsException.Conflict, CcsException.BudgetExceeded,
   *     CcsException.PathNotAllowed when the session cannot take the turn (nothing runs)
   */
  Turn run(UUID sessionId, Spec spec) {
    synchronized (this) {
      if (shuttingDown) {
        throw new CcsException.Unavailable("the server is stopping");
      }
      turnsInFlight++;
    }
    Phase phase = Phase.begin("turn");
    // Across nodes too (a shared store): the session is read, run and recorded by one node at a time.
    try (TurnHold held = storage.holdTurn(sessionId)) {
      return runInFlight(sessionId, spec);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CcsException.Unavailable("interrupted while another node ran a turn of session " + sessionId);
    } finally {
      phase.done();
      synchronized (this) {
        if (--turnsInFlight == 0) {
          notifyAll();
        }
      }
    }
  }

  /**
   * Refuses new turns and waits until the running ones have been recorded (their processes are
   * being ended by the executor's close).
   *
   * @return false when some were still running after {@code timeout}
   */
  synchronized boolean shutdown(Duration timeout) {
    shuttingDown = true;
    long deadline = ticker.read() + timeout.toNanos();
    while (turnsInFlight > 0) {
      long left = deadline - ticker.read();
      if (left <= 0) {
        return false;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private Turn runInFlight(UUID sessionId, Spec spec) {
    Session session = storage.sessions().get(sessionId)
        .orElseThrow(() -> new CcsException.NotFound("Session not found"));
    checkRunnable(session);
    checkBudget(session);
    checkWarm(spec.options());
    Path directory = Path.of(session.projectPath());
    if (!roots.contains(directory)) {
      throw new CcsException.PathNotAllowed("Session " + sessionId + " works in " + session.projectPath()
          + ", which is no longer inside the allowed project roots");
    }
    String requested = spec.options().model();
    String model = requested != null && !requested.isBlank() ? requested : session.model();
    RunPolicy.Plan plan = policy.plan(spec.prompt(), directory, spec.options().withModel(model),
        session.budgetLeft(defaultBudget), sessionId);
    RunOutcome outcome = null;
    try {
      boolean streamed = spec.format() == OutputFormat.STREAM_JSON;
      boolean resume = session.cliSessionStarted();
      ClaudeRequest.Builder request = plan.request()
          .outputFormat(spec.format())
          .includePartialMessages(spec.format() == OutputFormat.STREAM_JSON && spec.streamId() != null)
          .timeout(spec.timeout());
      Instant startedAt = clock.instant();
      StoredMessage userMessage = TurnMessages.user(session, spec.prompt(), model, startedAt, spec.streamId());
      if (streamed) {
        // Visible in the history while the turn runs; made durable with the turn's answer.
        storage.messages().append(sessionId, List.of(userMessage), false);
      }
      List<StoredMessage> unstored = streamed ? List.of() : List.of(userMessage);
      Attempt attempt = attempt(request, session, resume, spec, unstored, plan);
      outcome = attempt.outcome();
      if (attempt.refusedAtStart(resume)) {
        // The CLI knows better than our record whether its session exists (a crash may have hidden
        // that the first run created it): try once the other way.
        LOG.info("session {}: the CLI says the session {}; retrying with {}", sessionId,
            resume ? "does not exist" : "exists", resume ? "--session-id" : "--resume");
        resume = !resume;
        attempt = attempt(request, session, resume, spec, unstored, plan);
        outcome = attempt.outcome();
      }
      // A run refused by its provider before the model answered is run once more on another
      // provider (with failover), unless its output is already on a client's screen.
      RunPolicy.Plan retry = attempt.recorded() == null && spec.streamId() == null
          ? policy.elsewhere(plan, outcome) : null;
      if (retry != null) {
        LOG.info("session {}: provider {} refused the run before the model answered; running it on {}", sessionId,
            plan.lease().provider().id(), retry.lease().provider().id());
        plan = retry;
        resume = resume || outcome.cliSessionId() != null;
        outcome = null;
        attempt = attempt(request, session, resume, spec, unstored, plan);
        outcome = attempt.outcome();
        if (attempt.refusedAtStart(resume)) {
          resume = !resume;
          attempt = attempt(request, session, resume, spec, unstored, plan);
          outcome = attempt.outcome();
        }
      }
      if (attempt.recorded() != null) {
        return new Turn(attempt.recorded().session(), outcome, attempt.recorded().costUsd());
      }
      return record(session, unstored, outcome, spec.streamId(), resume, providerId(plan), boundProviderId(plan));
    } finally {
      // The provider learns from the run's result; a run that never ended teaches it nothing.
      policy.finished(plan, outcome);
    }
  }

  /**
   * One run of the turn, and the turn's record when a successful result line was recorded while the
   * CLI was still exiting (null otherwise: the caller records it once it has decided on retries).
   */
  private record Attempt(RunOutcome outcome, Turn recorded) {

    /** Whether the CLI refused the run at start (before any API call) over the session's existence. */
    boolean refusedAtStart(boolean resumed) {
      return recorded == null && failedBecause(outcome, resumed ? "No conversation found" : "is already in use");
    }
  }

  private Attempt attempt(ClaudeRequest.Builder request, Session session, boolean resume, Spec spec,
      List<StoredMessage> unstored, RunPolicy.Plan plan) {
    if (resume) {
      request.resumeSession(session.id());
    } else {
      request.newSession(session.id());
    }
    EarlyRecord listener = new EarlyRecord(spec.listener(), session, unstored, spec.streamId(), resume, plan);
    ClaudeRequest built = request.build();
    RunOutcome outcome = null;
    if (warmWanted(spec.options())) {
      outcome = warm.run(session.id(), new WarmPool.SessionState(session.version(), session.lastCliTotalUsd()), built,
          listener, spec.onRun()).orElse(null);
    }
    if (outcome == null) {
      // A cold run appends to the CLI's transcript behind a warm process's back: that process is stale.
      warm.end(session.id(), "a turn of its session runs cold");
      long began = ticker.read();
      ClaudeRun run = executor.newRun(built, listener);
      spec.onRun().accept(run);
      outcome = run.execute();
      warm.coldTurn(Duration.ofNanos(ticker.read() - began));
    }
    if (listener.failure != null) {
      throw listener.failure;
    }
    return new Attempt(outcome, listener.turn);
  }

  /**
   * Whether the turn runs on a warm process: as its {@code warm} option says, else as
   * {@code warmSessions.enabled} says.
   */
  private boolean warmWanted(RunOptions options) {
    return options.warm() != null ? options.warm() : warm.config().enabled();
  }

  /**
   * @throws CcsException.Forbidden for a turn that asks for a warm process where they are off
   */
  void checkWarm(RunOptions options) {
    if (Boolean.TRUE.equals(options.warm()) && !warm.config().enabled()) {
      throw new CcsException.Forbidden("warm_sessions_disabled", "\"warm\": true needs warm sessions, which are off "
          + "on this server (warmSessions.enabled is false in its config)");
    }
  }

  private static String providerId(RunPolicy.Plan plan) {
    return plan.lease() == null ? null : plan.lease().provider().id();
  }

  private static String boundProviderId(RunPolicy.Plan plan) {
    return plan.lease() == null ? null : plan.lease().boundProviderId();
  }

  /**
   * Passes a run's output on and records a successful turn as soon as its result line has decided
   * it, while the CLI is still exiting: the durable write overlaps the process's exit instead of
   * following it. A failed run is recorded after it has ended, as before, since its outcome may
   * still lead to a retry. Used on the thread that executes the run.
   */
  private final class EarlyRecord implements RunListener {
    private final RunListener listener;
    private final Session before;
    private final List<StoredMessage> unstored;
    private final String streamId;
    private final boolean resumed;
    private final RunPolicy.Plan plan;
    Turn turn;
    RuntimeException failure;

    EarlyRecord(RunListener listener, Session before, List<StoredMessage> unstored, String streamId, boolean resumed,
        RunPolicy.Plan plan) {
      this.listener = listener;
      this.before = before;
      this.unstored = unstored;
      this.streamId = streamId;
      this.resumed = resumed;
      this.plan = plan;
    }

    @Override
    public void onEvent(dev.ccs.core.protocol.ClaudeEvent event) {
      listener.onEvent(event);
    }

    @Override
    public void onStart(long pid) {
      listener.onStart(pid);
      // While the CLI works on the prompt: less of the turn's durable write is left for after it.
      storage.prepareTurn(before.id());
    }

    @Override
    public void onResult(RunOutcome decided) {
      listener.onResult(decided);
      if (!decided.succeeded()) {
        return;
      }
      try {
        turn = record(before, unstored, decided, streamId, resumed, providerId(plan), boundProviderId(plan));
      } catch (RuntimeException e) {
        // Thrown to the turn's caller once the run has ended (the run swallows a listener's exception).
        failure = e;
      }
    }
  }

  /** Whether the CLI refused the run at start (before any API call) with {@code text}. */
  private static boolean failedBecause(RunOutcome outcome, String text) {
    boolean refusedAtStart = outcome.status() == RunStatus.CRASHED
        || (outcome.status() == RunStatus.ERROR_RESULT && outcome.result().numTurns() == 0);
    return refusedAtStart && (outcome.stderrTail().contains(text)
        || (outcome.message() != null && outcome.message().contains(text)));
  }

  /**
   * Stores the turn: its messages and the session's new totals, as one durable write.
   *
   * @param unstored the turn's messages not yet in the log (the user's, unless it was streamed)
   * @param providerId the provider the run was on, or null
   * @param boundProviderId the provider the session is bound to now, stored with it
   */
  private Turn record(Session before, List<StoredMessage> unstored, RunOutcome outcome, String streamId,
      boolean resumed, String providerId, String boundProviderId) {
    ResultMessage result = outcome.result();
    BigDecimal cliTotal = result == null ? null : result.totalCostUsd();
    // total_cost_usd is the CLI session's running total: this run cost the difference to the last one.
    BigDecimal cost = cliTotal == null ? BigDecimal.ZERO
        : Usd.nonNegativeDifference(cliTotal, resumed ? before.lastCliTotalUsd() : BigDecimal.ZERO);
    boolean cliStarted = outcome.cliSessionId() != null || (resumed && outcome.status() != RunStatus.START_FAILED);
    // modelUsage is a running total too: this run used the difference, model by model.
    Map<String, ModelUsage> models = result == null ? Map.of() : ModelUsage.perRun(result.modelUsage(),
        resumed ? ModelUsage.parse(before.lastModelUsage()) : Map.of());
    String modelUsage = result == null || result.modelUsage().isEmpty() ? null
        : Json.write(result.json().path("modelUsage"));
    Instant now = clock.instant();
    List<StoredMessage> messages = new java.util.ArrayList<>(unstored);
    StoredMessage answer = TurnMessages.assistant(before.id(), outcome, cost, models, providerId, now, streamId);
    messages.add(answer);
    Session stored = null;
    Session base = before;
    while (stored == null) {
      Session updated = base.afterRun(now, cost, outcome.succeeded(), cliStarted, cliTotal, outcome.cliSessionId(),
          modelUsage, boundProviderId);
      Phase phase = Phase.begin("store.turn");
      try {
        stored = storage.recordTurn(updated, messages);
        phase.done();
      } catch (StaleVersionException e) {
        // Changed during the run (a status change): apply the turn to the current state.
        base = storage.sessions().get(before.id()).orElseThrow(() -> new CcsException.NotFound("Session not found"));
      }
    }
    if (outcome.status() == RunStatus.START_FAILED) {
      LOG.warn("session {}: {}", before.id(), outcome.message());
    }
    observer.recorded(stored, answer);
    warm.recorded(stored.id(), stored.version());
    return new Turn(stored, outcome, cost);
  }

  /** Takes a new default session budget ({@code maxBudgetUsd}, config reload). */
  void defaultBudget(BigDecimal value) {
    defaultBudget = value;
  }
}
