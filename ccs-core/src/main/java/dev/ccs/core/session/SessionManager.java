package dev.ccs.core.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.exec.RunFailedException;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.exec.ClaudeExecutor;
import dev.ccs.core.exec.ClaudeRequest;
import dev.ccs.core.exec.ClaudeRun;
import dev.ccs.core.exec.OutputFormat;
import dev.ccs.core.exec.RunListener;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.json.Json;
import dev.ccs.core.limit.InputLimits;
import dev.ccs.core.limit.RunSlots;
import dev.ccs.core.message.MessageResult;
import dev.ccs.core.money.Decimals;
import dev.ccs.core.money.Usd;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.protocol.StreamEvent;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.run.RunPolicy;
import dev.ccs.core.error.StaleVersionException;
import dev.ccs.core.stream.RunStream;
import dev.ccs.core.stream.StreamRegistry;
import dev.ccs.core.stream.StreamStatus;
import dev.ccs.core.workspace.ProjectRoots;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions and their turns. A turn runs in the session's own working directory, one at a time per
 * session and in arrival order; its first run creates the CLI session ({@code --session-id}), later
 * ones resume it. Every run's cost is recorded, failed ones included, and a session at its budget
 * is refused before anything is spawned.
 */
public final class SessionManager {

  private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);

  private final CcsConfig config;
  private final SessionStorage storage;
  private final ClaudeExecutor executor;
  private final RunPolicy policy;
  private final ProjectRoots roots;
  private final Clock clock;
  private final StreamRegistry streams;
  private final ExecutorService workers;
  private final InputLimits limits;
  private final RunSlots runSlots;
  private final TurnLocks turns = new TurnLocks();
  private final SessionRetention retention;
  /** Turns between their first check and their record, so that shutdown can wait for them. */
  private int turnsInFlight;
  private boolean shuttingDown;

  public SessionManager(CcsConfig config, SessionStorage storage, ClaudeExecutor executor, RunPolicy policy,
      ProjectRoots roots, Clock clock, StreamRegistry streams, ExecutorService workers, InputLimits limits,
      RunSlots runSlots, Executor jobs) {
    this.config = config;
    this.storage = storage;
    this.executor = executor;
    this.policy = policy;
    this.roots = roots;
    this.clock = clock;
    this.streams = streams;
    this.workers = workers;
    this.limits = limits;
    this.runSlots = runSlots;
    this.retention = new SessionRetention(config, storage, turns, clock, jobs);
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
   * Removes sessions not used since before {@code now - sessionRetentionDays}, with their messages;
   * sessions in use (a turn running or waiting, a task waiting) are kept.
   *
   * @return how many were removed
   */
  public int purgeExpired(Instant now) {
    return retention.purgeExpired(now);
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
    Session session;
    if (sessionId != null) {
      session = get(sessionId);
      if (projectPath != null && !projectPath.isBlank()) {
        Path requested = roots.resolve(projectPath);
        if (!requested.toString().equals(session.projectPath())) {
          throw new CcsException.Conflict("project_path_mismatch", "Session " + sessionId + " works in "
              + session.projectPath() + ", not in " + requested + "; a session always runs in its own directory");
        }
      }
    } else {
      ObjectNode metadata = Json.object().put("auto_created", true);
      // Not flushed on its own: the turn that follows at once writes the session to its log durably.
      session = create(projectPath, options.model(), metadata, null, false);
    }
    return continueSession(session.id(), prompt, options);
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
    checkRunnable(get(sessionId));
    try (RunSlots.Ticket ticket = runSlots.admit();
         TurnLocks.Place place = turns.join(sessionId, config.execution().maxWaitingTurnsPerSession())) {
      place.await();
      ticket.await();
      TurnOutcome turn = runTurn(sessionId, prompt, options, OutputFormat.JSON, RunListener.NONE, null, run -> { });
      return answer(turn);
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
    checkRunnable(session);
    checkBudget(session);
    // Admitted now, so that a refusal is an answer of its own rather than an event of a stream.
    RunSlots.Ticket ticket = runSlots.admit();
    TurnLocks.Place place;
    try {
      place = turns.join(sessionId, config.execution().maxWaitingTurnsPerSession());
    } catch (RuntimeException e) {
      ticket.close();
      throw e;
    }
    AtomicReference<ClaudeRun> current = new AtomicReference<>();
    AtomicReference<Boolean> cancelled = new AtomicReference<>(false);
    RunStream stream = streams.open(sessionId, () -> {
      cancelled.set(true);
      ClaudeRun run = current.get();
      if (run != null) {
        run.cancel();
      }
    });
    Runnable turnOfStream = () -> {
      try (ticket; place) {
        place.await();
        if (!cancelled.get()) {
          ticket.await();
        }
        if (cancelled.get()) {
          streams.finish(stream, StreamStatus.CANCELLED, "error", errorJson("cancelled", "The turn was cancelled", null));
          return;
        }
        RunListener listener = event -> stream.publish(event.rawLine(), streamedText(event));
        TurnOutcome turn = runTurn(sessionId, prompt, options, OutputFormat.STREAM_JSON, listener, stream.id(), run -> {
          current.set(run);
          if (cancelled.get()) {
            run.cancel();
          }
        });
        finishStream(stream, turn);
      } catch (CcsException e) {
        streams.finish(stream, StreamStatus.FAILED, "error", errorJson(e.code(), e.getMessage(), null));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        streams.finish(stream, StreamStatus.FAILED, "error", errorJson("unavailable", "interrupted", null));
      } catch (RuntimeException e) {
        LOG.error("streamed turn of session {} failed", sessionId, e);
        streams.finish(stream, StreamStatus.FAILED, "error", errorJson("internal_error", "Internal server error", null));
      } catch (Error e) {
        // Out of memory, most likely: the stream still ends, so that no client waits for ever.
        streams.finish(stream, StreamStatus.FAILED, "error", errorJson("internal_error", "Internal server error", null));
        throw e;
      }
    };
    try {
      workers.execute(turnOfStream);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      place.close();
      ticket.close();
      streams.finish(stream, StreamStatus.FAILED, "error", errorJson("unavailable", "the server is stopping", null));
      throw new CcsException.Unavailable("the server is stopping");
    }
    return stream;
  }

  /**
   * A finished turn of the task queue: the session after it, how the run ended, and what it cost.
   *
   * @param costUsd what this run cost (the CLI reports a running total)
   */
  public record Turn(Session session, RunOutcome outcome, BigDecimal costUsd) {
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
  public Turn runTask(UUID sessionId, String prompt, RunOptions options, java.time.Duration timeout,
      RunListener listener, java.util.function.Consumer<ClaudeRun> onRun) throws InterruptedException {
    checkRunnable(get(sessionId));
    try (TurnLocks.Place ignored = turns.acquire(sessionId)) {
      TurnOutcome turn = runTurn(sessionId, prompt, options, OutputFormat.STREAM_JSON, listener, null, timeout, onRun);
      if (turn.outcome().status() == RunStatus.START_FAILED) {
        LOG.warn("task turn of session {}: {}", sessionId, turn.outcome().message());
      }
      return new Turn(turn.session(), turn.outcome(), turn.costUsd());
    }
  }

  /** Creates a session for a task or a batch prompt (durably: the stored task refers to it). */
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
   * Text of stream events: the text deltas of partial messages (what a typing client shows); the
   * assistant lines repeat that text in whole and are left out of the content.
   */
  private static String streamedText(dev.ccs.core.protocol.ClaudeEvent event) {
    if (event instanceof StreamEvent partial) {
      return partial.textDelta();
    }
    return null;
  }

  private void finishStream(RunStream stream, TurnOutcome turn) {
    RunOutcome outcome = turn.outcome();
    if (outcome.succeeded()) {
      ObjectNode done = Json.object();
      done.put("session_id", turn.session().id().toString());
      done.put("stream_id", stream.id());
      done.put("duration_ms", outcome.duration().toMillis());
      done.put("cost_usd", turn.costUsd());
      done.put("result", outcome.result().result());
      done.put("num_turns", outcome.result().numTurns());
      streams.finish(stream, StreamStatus.COMPLETED, "done", Json.write(done));
      return;
    }
    StreamStatus status = outcome.status() == RunStatus.CANCELLED ? StreamStatus.CANCELLED : StreamStatus.FAILED;
    String code = new RunFailedException(outcome, turn.costUsd(), turn.session().id().toString()).code();
    ObjectNode details = Json.object();
    details.put("status", outcome.status().name().toLowerCase(java.util.Locale.ROOT));
    if (outcome.exitCode() != null) {
      details.put("exit_code", outcome.exitCode());
    }
    details.put("cost_usd", turn.costUsd());
    details.put("duration_ms", outcome.duration().toMillis());
    streams.finish(stream, status, "error", errorJson(code, outcome.message(), details));
  }

  private static String errorJson(String code, String message, ObjectNode details) {
    ObjectNode error = Json.object();
    error.put("error", message);
    error.put("code", code);
    if (details != null) {
      error.set("details", details);
    }
    return Json.write(error);
  }

  /** The prompt and options of a turn, against the limits; before anything is stored. */
  private void checkInput(String prompt, RunOptions options) {
    limits.checkPrompt(prompt);
    limits.checkOptions(options);
  }

  private void checkRunnable(Session session) {
    if (session.status() != SessionStatus.ACTIVE) {
      throw new CcsException.Conflict("session_not_active", "Session is not active: " + session.status().wireName());
    }
  }

  /** The budget left to the session, or null when it has no cap. */
  private BigDecimal budgetLeft(Session session) {
    BigDecimal cap = session.maxBudgetUsd() != null ? session.maxBudgetUsd() : config.maxBudgetUsd();
    return cap == null ? null : cap.subtract(session.totalCostUsd());
  }

  private void checkBudget(Session session) {
    BigDecimal left = budgetLeft(session);
    if (left != null && left.signum() <= 0) {
      BigDecimal cap = session.maxBudgetUsd() != null ? session.maxBudgetUsd() : config.maxBudgetUsd();
      throw new CcsException.BudgetExceeded("Budget exceeded: session has already spent $"
          + session.totalCostUsd().toPlainString() + " of its $" + cap.toPlainString() + " limit");
    }
  }

  /** The outcome of a turn and what it did to the session. */
  private record TurnOutcome(Session session, RunOutcome outcome, BigDecimal costUsd) {
  }

  /** Runs a turn; the caller holds the session's turn lock. */
  private TurnOutcome runTurn(UUID sessionId, String prompt, RunOptions options, OutputFormat format,
      RunListener listener, String streamId, java.util.function.Consumer<ClaudeRun> onRun) {
    return runTurn(sessionId, prompt, options, format, listener, streamId, null, onRun);
  }

  private TurnOutcome runTurn(UUID sessionId, String prompt, RunOptions options, OutputFormat format,
      RunListener listener, String streamId, java.time.Duration timeout, java.util.function.Consumer<ClaudeRun> onRun) {
    synchronized (this) {
      if (shuttingDown) {
        throw new CcsException.Unavailable("the server is stopping");
      }
      turnsInFlight++;
    }
    try {
      return runTurnInFlight(sessionId, prompt, options, format, listener, streamId, timeout, onRun);
    } finally {
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
  public synchronized boolean shutdown(java.time.Duration timeout) {
    shuttingDown = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (turnsInFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private TurnOutcome runTurnInFlight(UUID sessionId, String prompt, RunOptions options, OutputFormat format,
      RunListener listener, String streamId, java.time.Duration timeout, java.util.function.Consumer<ClaudeRun> onRun) {
    Session session = get(sessionId);
    checkRunnable(session);
    checkBudget(session);
    Path directory = Path.of(session.projectPath());
    if (!roots.contains(directory)) {
      throw new CcsException.PathNotAllowed("Session " + sessionId + " works in " + session.projectPath()
          + ", which is no longer inside the allowed project roots");
    }
    String model = blankToNull(options.model()) != null ? options.model() : session.model();
    RunOptions effective = new RunOptions(model, options.systemPrompt(), options.appendSystemPrompt(),
        options.maxBudgetUsd(), options.maxTurns(), options.allowedTools(), options.disallowedTools(), options.agent(),
        options.mcpConfig(), options.permissionMode());
    ClaudeRequest.Builder request = policy.plan(prompt, directory, effective, budgetLeft(session))
        .outputFormat(format)
        .includePartialMessages(format == OutputFormat.STREAM_JSON && streamId != null)
        .timeout(timeout);
    Instant startedAt = clock.instant();
    StoredMessage userMessage = userMessage(session, prompt, model, startedAt, streamId);
    if (format == OutputFormat.STREAM_JSON) {
      // Visible in the history while the turn runs; made durable with the turn's answer.
      storage.messages().append(sessionId, List.of(userMessage), false);
    }
    boolean resume = session.cliSessionStarted();
    RunOutcome outcome = run(request, sessionId, resume, listener, onRun);
    if (failedBecause(outcome, resume ? "No conversation found" : "is already in use")) {
      // The CLI knows better than our record whether its session exists (a crash may have hidden
      // that the first run created it): try once the other way.
      LOG.info("session {}: the CLI says the session {}; retrying with {}", sessionId,
          resume ? "does not exist" : "exists", resume ? "--session-id" : "--resume");
      resume = !resume;
      outcome = run(request, sessionId, resume, listener, onRun);
    }
    return record(session, userMessage, outcome, startedAt, streamId, format == OutputFormat.JSON, resume);
  }

  private RunOutcome run(ClaudeRequest.Builder request, UUID sessionId, boolean resume, RunListener listener,
      java.util.function.Consumer<ClaudeRun> onRun) {
    if (resume) {
      request.resumeSession(sessionId);
    } else {
      request.newSession(sessionId);
    }
    ClaudeRun run = executor.newRun(request.build(), listener);
    onRun.accept(run);
    return run.execute();
  }

  /** Whether the CLI refused the run at start (before any API call) with {@code text}. */
  private static boolean failedBecause(RunOutcome outcome, String text) {
    boolean refusedAtStart = outcome.status() == RunStatus.CRASHED
        || (outcome.status() == RunStatus.ERROR_RESULT && outcome.result().numTurns() == 0);
    return refusedAtStart && (outcome.stderrTail().contains(text)
        || (outcome.message() != null && outcome.message().contains(text)));
  }

  /** Stores the turn: its messages and the session's new totals, as one durable write. */
  private TurnOutcome record(Session before, StoredMessage userMessage, RunOutcome outcome, Instant startedAt,
      String streamId, boolean withUserMessage, boolean resumed) {
    ResultMessage result = outcome.result();
    BigDecimal cliTotal = result == null ? null : result.totalCostUsd();
    // total_cost_usd is the CLI session's running total: this run cost the difference to the last one.
    BigDecimal cost = cliTotal == null ? BigDecimal.ZERO
        : Usd.nonNegativeDifference(cliTotal, resumed ? before.lastCliTotalUsd() : BigDecimal.ZERO);
    boolean cliStarted = outcome.cliSessionId() != null || (resumed && outcome.status() != RunStatus.START_FAILED);
    Instant now = clock.instant();
    StoredMessage answer = assistantMessage(before.id(), outcome, cost, now, streamId);
    List<StoredMessage> turnMessages = withUserMessage ? List.of(userMessage, answer) : List.of(answer);
    Session stored = null;
    Session base = before;
    while (stored == null) {
      Session updated = base.afterRun(now, cost, outcome.succeeded(), cliStarted, cliTotal, outcome.cliSessionId());
      try {
        stored = storage.recordTurn(updated, turnMessages);
      } catch (StaleVersionException e) {
        // Changed during the run (a status change): apply the turn to the current state.
        base = get(before.id());
      }
    }
    if (outcome.status() == RunStatus.START_FAILED) {
      LOG.warn("session {}: {}", before.id(), outcome.message());
    }
    return new TurnOutcome(stored, outcome, cost);
  }

  private StoredMessage userMessage(Session session, String prompt, String model, Instant now, String streamId) {
    ObjectNode metadata = Json.object();
    metadata.put("prompt", prompt.length() > 200 ? prompt.substring(0, 200) + "..." : prompt);
    metadata.put("project_path", session.projectPath());
    metadata.put("model", model);
    if (streamId != null) {
      metadata.put("stream_id", streamId);
    }
    return new StoredMessage(StoredMessage.newId(), session.id(), "user", prompt, now, metadata);
  }

  private static StoredMessage assistantMessage(UUID sessionId, RunOutcome outcome, BigDecimal cost, Instant now,
      String streamId) {
    ObjectNode metadata = Json.object();
    metadata.put("cost_usd", cost);
    metadata.put("duration_ms", outcome.duration().toMillis());
    ResultMessage result = outcome.result();
    if (result != null) {
      metadata.put("model", result.model());
      ObjectNode usage = metadata.putObject("usage");
      usage.put("input_tokens", result.usage().inputTokens());
      usage.put("output_tokens", result.usage().outputTokens());
      usage.put("cache_creation_input_tokens", result.usage().cacheCreationInputTokens());
      usage.put("cache_read_input_tokens", result.usage().cacheReadInputTokens());
      metadata.put("num_turns", result.numTurns());
      metadata.set("model_usage", result.json().path("modelUsage").deepCopy());
      metadata.put("cli_total_cost_usd", result.totalCostUsd());
    }
    if (outcome.cliSessionId() != null) {
      metadata.put("cli_session_id", outcome.cliSessionId());
    }
    if (streamId != null) {
      metadata.put("stream_id", streamId);
    }
    String content;
    if (outcome.succeeded()) {
      content = result.result();
    } else {
      metadata.put("is_error", true);
      metadata.put("status", outcome.status().name().toLowerCase(java.util.Locale.ROOT));
      content = outcome.message() == null ? "" : outcome.message();
    }
    return new StoredMessage(StoredMessage.newId(), sessionId, "assistant", content, now, metadata);
  }

  private MessageResult answer(TurnOutcome turn) {
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
