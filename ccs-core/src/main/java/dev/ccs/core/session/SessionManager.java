package dev.ccs.core.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.error.StaleVersionException;
import dev.ccs.core.exec.ClaudeExecutor;
import dev.ccs.core.exec.RunHandle;
import dev.ccs.core.exec.OutputFormat;
import dev.ccs.core.exec.RunFailedException;
import dev.ccs.core.exec.RunListener;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.json.Json;
import dev.ccs.core.limit.InputLimits;
import dev.ccs.core.limit.RunSlots;
import dev.ccs.core.message.MessageResult;
import dev.ccs.core.money.Decimals;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.run.RunPolicy;
import dev.ccs.core.stream.RunStream;
import dev.ccs.core.stream.StreamRegistry;
import dev.ccs.core.time.Ticker;
import dev.ccs.core.warm.WarmPool;
import dev.ccs.core.workspace.ProjectRoots;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions and their turns. A turn runs in the session's own working directory, one at a time per
 * session and in arrival order ({@link TurnLocks}); its first run creates the CLI session
 * ({@code --session-id}), later ones resume it ({@link TurnRunner}). Every run's cost is recorded,
 * failed ones included, and a session at its budget is refused before anything is spawned.
 */
public final class SessionManager {

  private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);

  private volatile CcsConfig config;
  private final SessionStorage storage;
  private final ProjectRoots roots;
  private final Clock clock;
  private final InputLimits limits;
  private final RunSlots runSlots;
  private final TurnLocks turns = new TurnLocks();
  private final SessionRetention retention;
  private final TurnRunner runner;
  private final StreamedTurns streamed;
  private final WarmPool warm;

  /**
   * @param workers runs streamed turns
   * @param jobs runs background jobs (removing sessions beyond the {@code limits.maxStored*} bounds)
   */
  public SessionManager(CcsConfig config, SessionStorage storage, ClaudeExecutor executor, RunPolicy policy,
      ProjectRoots roots, StreamRegistry streams, InputLimits limits, RunSlots runSlots, Clock clock, Ticker ticker,
      Executor workers, Executor jobs, TurnObserver observer, WarmPool warm) {
    this.config = config;
    this.storage = storage;
    this.roots = roots;
    this.clock = clock;
    this.limits = limits;
    this.runSlots = runSlots;
    this.retention = new SessionRetention(config, storage, turns, clock, jobs);
    this.runner = new TurnRunner(storage, executor, policy, roots, config.maxBudgetUsd(), clock, ticker, observer,
        warm);
    this.warm = warm;
    this.streamed = new StreamedTurns(runner, turns, runSlots, streams, workers,
        config.execution().maxWaitingTurnsPerSession());
  }

  /** The warm CLI processes of the sessions ({@code warmSessions}). */
  public WarmPool warm() {
    return warm;
  }

  // ---------------------------------------------------------------- sessions

  /**
   * Creates a session working in {@code projectPath} (resolved inside the allowed roots, created if
   * missing).
   *
   * @throws CcsException.InvalidRequest, CcsException.PayloadTooLarge for a model, metadata or
   *     budget over the limits
   */
  public Session create(String projectPath, String model, JsonNode metadata, BigDecimal maxBudgetUsd) {
    limits.checkOptions(RunOptions.NONE.withModel(model));
    limits.checkMetadata(metadata);
    if (maxBudgetUsd != null) {
      Decimals.check("max_budget_usd", maxBudgetUsd);
    }
    return create(projectPath, model, metadata, maxBudgetUsd, true);
  }

  private Session create(String projectPath, String model, JsonNode metadata, BigDecimal maxBudgetUsd,
      boolean durable) {
    Path directory = roots.resolve(projectPath);
    Session session = Session.create(UUID.randomUUID(), clock.instant(), directory.toString(),
        blankToNull(model) != null ? model : config.defaultModel(), metadata, maxBudgetUsd);
    Session created = storage.sessions().create(session, durable);
    retention.added();
    return created;
  }

  public Optional<Session> find(UUID id) {
    return storage.sessions().get(id);
  }

  /** @throws CcsException.NotFound when there is no such session */
  public Session get(UUID id) {
    return storage.sessions().get(id).orElseThrow(() -> new CcsException.NotFound("Session not found"));
  }

  public List<Session> list(SessionFilter filter, int limit) {
    return storage.sessions().list(filter, limit);
  }

  public List<Session> search(String text, int limit) {
    return storage.sessions().search(text, limit);
  }

  public int count() {
    return storage.sessions().size();
  }

  /** Changes a session's status; a closed or archived session takes no turns. */
  public Session setStatus(UUID id, SessionStatus status) {
    while (true) {
      Session current = get(id);
      if (status != SessionStatus.ACTIVE) {
        warm.end(id, "its session is " + status.wireName());
      }
      try {
        return storage.sessions().update(current.withStatus(status, clock.instant()), true);
      } catch (StaleVersionException e) {
        // A turn finished meanwhile: apply the change to its result.
      }
    }
  }

  /**
   * Deletes a session and its messages (never its working directory).
   *
   * @return the number of messages deleted
   * @throws CcsException.Conflict while a turn of it runs
   */
  public int delete(UUID id) {
    get(id);
    if (turns.busy(id)) {
      throw new CcsException.Conflict("session_busy", "Session has a turn running; cancel it or wait");
    }
    // History first: a crash in between leaves a session without messages, never messages that
    // would bring a deleted session back at the next start.
    warm.end(id, "its session is deleted");
    int messages = storage.messages().deleteHistory(id);
    storage.sessions().delete(id);
    return messages;
  }

  /** A page of the session's messages. */
  public MessagePage messages(UUID id, MessageQuery query) {
    get(id);
    try {
      return storage.messages().page(id, query);
    } catch (IllegalArgumentException e) {
      throw new CcsException.InvalidRequest(e.getMessage());
    }
  }

  /** Whether a turn of the session runs or waits. */
  public boolean busy(UUID id) {
    return turns.busy(id);
  }

  /**
   * Removes sessions last used before {@code cutoff}, with their messages; sessions in use (a turn
   * running or waiting, a task waiting) are kept.
   *
   * @return how many were removed
   */
  public int purgeOlderThan(Instant cutoff) {
    return retention.purgeOlderThan(cutoff);
  }

  /**
   * Removes the least recently used sessions beyond {@code limits.maxStoredSessions} and
   * {@code limits.maxStoredMetadataBytes} now (it also happens on its own, soon after a session
   * passes a bound).
   *
   * @return how many were removed
   */
  public int trimToLimits() {
    return retention.trim();
  }

  // ---------------------------------------------------------------- turns

  /**
   * One prompt, answered synchronously ({@code POST /api/messages}): in session {@code sessionId}
   * if given, else in a new session working in {@code projectPath}.
   *
   * @throws CcsException.Conflict when {@code projectPath} is not the given session's directory
   */
  public MessageResult send(String prompt, String projectPath, UUID sessionId, RunOptions options) {
    checkInput(prompt, options);
    Session session = sessionForMessage(projectPath, sessionId, options.model());
    try {
      return continueSession(session.id(), prompt, options);
    } catch (RuntimeException e) {
      if (sessionId == null) {
        discardUnused(session.id());
      }
      throw e;
    }
  }

  /**
   * Deletes a session that {@link #sessionForMessage} created for a message that was then refused
   * before anything ran (no slot, a limit), so that refusals leave no empty sessions behind. A
   * session with a turn, running or recorded, stays.
   */
  public void discardUnused(UUID id) {
    if (!turns.busy(id) && storage.messages().history(id).isEmpty()) {
      storage.sessions().delete(id);
    }
  }

  /**
   * The session a message runs in: {@code sessionId}'s (which must work in {@code projectPath}, when
   * that is given), or a new one working in {@code projectPath}. A new session is not written on its
   * own: the turn that follows at once writes it to its log durably.
   *
   * @throws CcsException.NotFound for an unknown {@code sessionId}
   * @throws CcsException.Conflict when {@code projectPath} is not the given session's directory
   */
  public Session sessionForMessage(String projectPath, UUID sessionId, String model) {
    if (sessionId == null) {
      return create(projectPath, model, Json.object().put("auto_created", true), null, false);
    }
    Session session = get(sessionId);
    if (projectPath != null && !projectPath.isBlank()) {
      Path requested = roots.resolve(projectPath);
      if (!requested.toString().equals(session.projectPath())) {
        throw new CcsException.Conflict("project_path_mismatch", "Session " + sessionId + " works in "
            + session.projectPath() + ", not in " + requested + "; a session always runs in its own directory");
      }
    }
    return session;
  }

  /**
   * Runs one turn of a session and waits for it.
   *
   * @throws CcsException.NotFound, CcsException.Conflict (not active), CcsException.BudgetExceeded
   *     before anything runs
   * @throws RunFailedException when the CLI failed (its cost is recorded all the same)
   */
  public MessageResult continueSession(UUID sessionId, String prompt, RunOptions options) {
    checkInput(prompt, options);
    TurnRunner.checkRunnable(get(sessionId));
    try (RunSlots.Ticket ticket = runSlots.admit();
         TurnLocks.Place place = turns.join(sessionId, config.execution().maxWaitingTurnsPerSession())) {
      place.await();
      ticket.await();
      return answer(runner.run(sessionId, new TurnRunner.Spec(prompt, options, OutputFormat.JSON, RunListener.NONE,
          null, null, run -> { })));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CcsException.Unavailable("interrupted while waiting for the session's previous turn");
    }
  }

  /**
   * Starts one turn of a session as a stream and returns at once: the turn waits for the
   * session's previous turns, then its CLI output goes to the stream as it is printed.
   */
  public RunStream startStream(UUID sessionId, String prompt, RunOptions options) {
    checkInput(prompt, options);
    Session session = get(sessionId);
    TurnRunner.checkRunnable(session);
    runner.checkBudget(session);
    return streamed.start(session, prompt, options);
  }

  /**
   * Runs one turn for a queued task: waits for the session's earlier turns, runs with
   * {@code timeout}, records it, and returns how it ended; a failed run is an outcome, not an
   * exception.
   *
   * @param listener gets every CLI output line (the run uses {@code stream-json})
   * @param onRun gets the run before it starts, so that it can be cancelled
   * @throws CcsException.NotFound, CcsException.Conflict, CcsException.BudgetExceeded when the
   *     session cannot take the turn (nothing runs)
   */
  public Turn runTask(UUID sessionId, String prompt, RunOptions options, Duration timeout, RunListener listener,
      Consumer<RunHandle> onRun) throws InterruptedException {
    TurnRunner.checkRunnable(get(sessionId));
    try (TurnLocks.Place ignored = turns.acquire(sessionId)) {
      Turn turn = runner.run(sessionId, new TurnRunner.Spec(prompt, options, OutputFormat.STREAM_JSON, listener,
          null, timeout, onRun));
      if (turn.outcome().status() == RunStatus.START_FAILED) {
        LOG.warn("task turn of session {}: {}", sessionId, turn.outcome().message());
      }
      return turn;
    }
  }

  /**
   * The session of a new task. It is not written on its own: the task's record, written durably
   * right after, names it, and {@link #restoreForTask} rebuilds it from there after a crash; its
   * first turn then records it with its messages.
   */
  public Session createForTask(String projectPath, String model) {
    return create(projectPath, model, Json.object().put("auto_created", true), null, false);
  }

  /**
   * Rebuilds the session of a waiting task that a crash lost before its first turn (see
   * {@link #createForTask}); does nothing when it exists.
   */
  public void restoreForTask(UUID id, String projectPath, String model, Instant createdAt) {
    if (storage.sessions().get(id).isPresent()) {
      return;
    }
    Session session = Session.create(id, createdAt, projectPath, blankToNull(model) != null ? model
        : config.defaultModel(), Json.object().put("auto_created", true), null);
    try {
      storage.sessions().create(session, false);
      retention.added();
    } catch (StaleVersionException e) {
      // Created meanwhile: nothing to restore.
    }
  }

  /**
   * Refuses new turns and waits until the running ones have been recorded (their processes are
   * being ended by the executor's close).
   *
   * @return false when some were still running after {@code timeout}
   */
  /** Takes a new config (reload): the default model and the default session budget. */
  public void reconfigure(CcsConfig value) {
    config = value;
    runner.defaultBudget(value.maxBudgetUsd());
  }

  public boolean shutdown(Duration timeout) {
    return runner.shutdown(timeout);
  }

  /** The prompt and options of a turn, against the limits; before anything is stored. */
  private void checkInput(String prompt, RunOptions options) {
    limits.checkPrompt(prompt);
    limits.checkOptions(options);
    checkWarm(options);
  }

  /** @throws CcsException.Forbidden for {@code "warm": true} where warm sessions are off */
  public void checkWarm(RunOptions options) {
    runner.checkWarm(options);
  }

  private MessageResult answer(Turn turn) {
    RunOutcome outcome = turn.outcome();
    if (outcome.status() == RunStatus.START_FAILED) {
      throw new CcsException.CliUnavailable(outcome.message());
    }
    if (outcome.status() == RunStatus.CANCELLED) {
      throw new CcsException.Unavailable("the run was cancelled (the server is stopping)");
    }
    if (!outcome.succeeded()) {
      throw new RunFailedException(outcome, turn.costUsd(), turn.session().id().toString());
    }
    ResultMessage result = outcome.result();
    return new MessageResult(result.result(), outcome.duration(), turn.costUsd(), turn.session().id().toString(),
        result.usage(), result.numTurns(), result.model(), result);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
