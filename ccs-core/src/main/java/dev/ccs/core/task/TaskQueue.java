package dev.ccs.core.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.error.StaleVersionException;
import dev.ccs.core.exec.ClaudeRun;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.exec.RunStatus;
import dev.ccs.core.json.Json;
import dev.ccs.core.limit.InputLimits;
import dev.ccs.core.money.Usd;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionManager;
import dev.ccs.core.stream.RunStream;
import dev.ccs.core.stream.StreamRegistry;
import dev.ccs.core.stream.StreamStatus;
import dev.ccs.core.time.Backoff;
import dev.ccs.core.time.Cancellable;
import dev.ccs.core.time.Scheduler;
import dev.ccs.core.webhook.WebhookDispatcher;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable priority queue of tasks. Priority 10 runs first, first-in-first-out within a
 * priority, at most {@code taskQueue.concurrency} at once. Every task is stored before it is
 * acknowledged and at every change. Dispatch is event-driven: a submission, a finished task, a
 * due retry or a priority change starts what can start, at once, in O(log n).
 *
 * <p>Terminal states are final. Cancelling a running task ends its whole process tree and the slot
 * is freed only when it has exited. A task that was running when the server stopped is requeued
 * (at most three times) or failed, after its leftover processes have been ended; it never runs
 * twice at the same time.
 */
public final class TaskQueue {

  private static final Logger LOG = LoggerFactory.getLogger(TaskQueue.class);
  /** API statuses worth another attempt: overload, rate limit, server errors. */
  private static final Set<Integer> RETRYABLE = Set.of(429, 500, 502, 503, 504, 529);
  private static final Duration MAX_RETRY_WAIT = Duration.ofMinutes(5);
  private static final int MAX_INTERRUPTIONS = 3;
  private static final int MAX_WEBHOOK_URL_CHARS = 2048;
  /** What a client refused for a full queue is told to wait. */
  private static final Duration QUEUE_FULL_RETRY = Duration.ofSeconds(5);

  /** A submission: the task, and whether it is new (false: an earlier one with the same key). */
  public record Submitted(Task task, boolean created) {
  }

  /** A task waiting for a slot, ordered by priority (high first), then submission. */
  private record Waiting(boolean batch, int priority, long sequence, UUID id) {
    static Waiting of(Task task) {
      return new Waiting(task.batchId() != null, task.priority(), task.sequence(), task.id());
    }
  }

  /**
   * A task being worked on. It holds one of the {@code concurrency} slots while its CLI process
   * runs; the slot is handed to the next task as soon as that process has exited, and the task's
   * bookkeeping (its turn, its end, its webhooks) goes on beside the next run.
   */
  private static final class Running {
    final UUID id;
    volatile ClaudeRun run;
    volatile boolean cancelRequested;
    final AtomicBoolean slotHeld = new AtomicBoolean(true);
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Running(UUID id) {
      this.id = id;
    }
  }

  private final CcsConfig config;
  private final TaskStore store;
  private final SessionManager sessions;
  private final WebhookDispatcher webhooks;
  private final StreamRegistry streams;
  private final Clock clock;
  private final Scheduler scheduler;
  private final ExecutorService workers;
  private final InputLimits limits;

  private final Object lock = new Object();
  // A batch's client waits for its answer: its tasks go before tasks queued to run in the background.
  private final TreeSet<Waiting> pending = new TreeSet<>(Comparator.comparing(Waiting::batch).reversed()
      .thenComparing(Comparator.comparingInt(Waiting::priority).reversed())
      .thenComparingLong(Waiting::sequence).thenComparing(Waiting::id));
  /** Tasks being worked on, from dispatch until their end is stored. */
  private final Map<UUID, Running> running = new HashMap<>();
  /** Slots in use: tasks whose CLI process may still be running. */
  private int slotsInUse;
  private final Map<UUID, Cancellable> delayed = new HashMap<>();
  /** Submissions between their room check and their place in {@code pending}. */
  private int arriving;
  private boolean started;
  private boolean closed;

  private final AtomicLong sequence = new AtomicLong();
  private final IdempotencyKeys idempotencyKeys;
  private final TaskRetention retention;
  private final Map<UUID, RunStream> events = new ConcurrentHashMap<>();
  private final Map<UUID, CompletableFuture<Task>> completions = new ConcurrentHashMap<>();

  public TaskQueue(CcsConfig config, TaskStore store, SessionManager sessions, WebhookDispatcher webhooks,
      StreamRegistry streams, Clock clock, Scheduler scheduler, ExecutorService workers, InputLimits limits,
      Executor jobs) {
    this.config = config;
    this.store = store;
    this.sessions = sessions;
    this.webhooks = webhooks;
    this.streams = streams;
    this.clock = clock;
    this.scheduler = scheduler;
    this.workers = workers;
    this.limits = limits;
    this.idempotencyKeys = new IdempotencyKeys(config.taskQueue().maxIdempotencyKeys(), clock);
    this.retention = new TaskRetention(config.limits().maxStoredTasks(), store, webhooks, clock, jobs);
  }

  // ---------------------------------------------------------------- start and stop

  /**
   * Loads the stored tasks and starts dispatching: waiting tasks in their order, tasks that were
   * running when the previous server stopped handled by {@code taskQueue.onInterrupted}. Call it
   * after the previous server's leftover processes have been ended.
   */
  public void start() {
    synchronized (idempotencyKeys) {
      for (TaskStore.KeyedTask keyed : store.withIdempotencyKeySince(clock.instant().minus(IdempotencyKeys.WINDOW))) {
        idempotencyKeys.remember(keyed.idempotencyKey(), keyed.taskId(), keyed.createdAt());
      }
    }
    sequence.set(store.maxSequence());
    int requeued = 0;
    int failed = 0;
    // One at a time: waiting tasks may hold large prompts.
    for (UUID id : store.unfinishedIds()) {
      Task task = store.get(id).orElse(null);
      if (task == null) {
        continue;
      }
      if (!task.status().terminal()) {
        sessions.restoreForTask(task.sessionId(), task.projectPath(), task.options().model(), task.createdAt());
      }
      if (task.status() == TaskStatus.PROCESSING) {
        Task after = interrupted(task);
        if (after.status() == TaskStatus.PENDING) {
          requeued++;
        } else {
          failed++;
        }
        task = after;
      }
      if (task.status() == TaskStatus.PENDING) {
        completions.put(task.id(), new CompletableFuture<>());
        stream(task).publishEvent("status", statusJson(task));
        enqueue(task);
      }
    }
    if (requeued + failed > 0) {
      LOG.info("{} task(s) were running when the server stopped: {} requeued, {} failed", requeued + failed, requeued,
          failed);
    }
    synchronized (lock) {
      started = true;
    }
    dispatch();
  }

  /** Stops starting tasks; running ones are recorded as interrupted when their runs are ended. */
  public void close() {
    synchronized (lock) {
      closed = true;
      delayed.values().forEach(Cancellable::cancel);
      delayed.clear();
    }
  }

  // ---------------------------------------------------------------- submission

  /**
   * Stores a task and queues it. With an idempotency key seen in the last 24 hours, returns the
   * task of that key instead (same request) or refuses (another request).
   *
   * @throws CcsException.Conflict a key reused for another request
   * @throws CcsException.InvalidRequest a refused webhook URL, or a field over its limits
   * @throws CcsException.Overloaded when {@code taskQueue.maxPending} tasks wait already
   */
  public Submitted submit(NewTask request, String idempotencyKey) {
    check(request);
    String hash = hash(request);
    if (idempotencyKey == null) {
      return new Submitted(create(request, null, hash, null), true);
    }
    synchronized (idempotencyKeys) {
      Optional<UUID> earlier = idempotencyKeys.find(idempotencyKey);
      Optional<Task> task = earlier.flatMap(store::get);
      if (task.isPresent()) {
        if (!hash.equals(task.get().requestHash())) {
          throw new CcsException.Conflict("idempotency_key_reused", "Idempotency-Key \"" + idempotencyKey
              + "\" was already used for a different request (task " + earlier.get() + ")");
        }
        return new Submitted(task.get(), false);
      }
      Task created = create(request, idempotencyKey, hash, null);
      idempotencyKeys.remember(idempotencyKey, created.id(), created.createdAt());
      return new Submitted(created, true);
    }
  }

  /**
   * Stores and queues every task of a batch, or none: they are checked, and room is made for all of
   * them, before the first is stored.
   *
   * @throws CcsException.Overloaded when the queue has no room for all of them
   */
  public List<Task> submitAll(List<NewTask> requests) {
    requests.forEach(this::check);
    reserveRoom(requests.size());
    List<Task> created = new ArrayList<>();
    try {
      for (NewTask request : requests) {
        created.add(createReserved(request, null, hash(request), null));
      }
    } finally {
      releaseRoom(requests.size());
    }
    return created;
  }

  /** A request's fields against the limits; nothing is stored before this passes. */
  private void check(NewTask request) {
    limits.checkPrompt(request.prompt());
    limits.checkOptions(request.options());
    limits.checkMetadata(request.metadata());
    if (request.webhookUrl() != null) {
      if (request.webhookUrl().length() > MAX_WEBHOOK_URL_CHARS) {
        throw new CcsException.InvalidRequest("\"webhook_url\" is longer than " + MAX_WEBHOOK_URL_CHARS
            + " characters");
      }
      String problem = webhooks.problemWith(request.webhookUrl());
      if (problem != null) {
        throw new CcsException.InvalidRequest("\"webhook_url\" is refused: " + problem);
      }
    }
  }

  /**
   * Makes room for {@code count} more waiting tasks.
   *
   * @throws CcsException.Overloaded when {@code taskQueue.maxPending} would be exceeded
   */
  private void reserveRoom(int count) {
    synchronized (lock) {
      int waiting = pending.size() + delayed.size() + arriving;
      if (waiting + count > config.taskQueue().maxPending()) {
        throw new CcsException.Overloaded("queue_full", "The task queue has " + waiting + " task(s) waiting "
            + "(taskQueue.maxPending is " + config.taskQueue().maxPending() + "); try again later", QUEUE_FULL_RETRY);
      }
      arriving += count;
    }
  }

  private void releaseRoom(int count) {
    synchronized (lock) {
      arriving -= count;
    }
  }

  private Task create(NewTask request, String idempotencyKey, String hash, UUID replayOf) {
    reserveRoom(1);
    try {
      return createReserved(request, idempotencyKey, hash, replayOf);
    } finally {
      releaseRoom(1);
    }
  }

  /**
   * Creates a task for which room was reserved; the caller ends the reservation once this returns
   * (the task then counts as pending).
   */
  private Task createReserved(NewTask request, String idempotencyKey, String hash, UUID replayOf) {
    Session session = request.sessionId() != null ? sessions.get(request.sessionId())
        : sessions.createForTask(request.projectPath(), request.options().model());
    Instant now = clock.instant();
    Task task = new Task(UUID.randomUUID(), sequence.incrementAndGet(), now, now, TaskStatus.PENDING, request.prompt(),
        session.projectPath(), request.priority(), session.id(), request.options(), request.timeout(),
        request.webhookUrl(), request.metadata(), null, null, null, null, null, null, BigDecimal.ZERO, null, 0, 0, null,
        false, idempotencyKey, hash, request.batchId(), replayOf, 0);
    // On disk before anyone hears of it.
    Task stored = store.create(task);
    completions.put(stored.id(), new CompletableFuture<>());
    stream(stored).publishEvent("status", statusJson(stored));
    enqueue(stored);
    dispatch();
    return stored;
  }

  private void enqueue(Task task) {
    synchronized (lock) {
      if (task.notBefore() != null && task.notBefore().isAfter(clock.instant())) {
        Duration wait = Duration.between(clock.instant(), task.notBefore());
        delayed.put(task.id(), scheduler.schedule(wait, () -> due(task.id())));
      } else {
        pending.add(Waiting.of(task));
      }
    }
  }

  /** A retry's wait is over: it joins the waiting tasks, in its original place. */
  private void due(UUID id) {
    synchronized (lock) {
      if (delayed.remove(id) == null) {
        return;
      }
      store.get(id).filter(t -> t.status() == TaskStatus.PENDING)
          .ifPresent(t -> pending.add(Waiting.of(t)));
    }
    dispatch();
  }

  // ---------------------------------------------------------------- dispatch and execution

  private void dispatch() {
    List<Running> toStart = new ArrayList<>();
    synchronized (lock) {
      while (started && !closed && slotsInUse < config.taskQueue().concurrency() && !pending.isEmpty()) {
        Waiting next = pending.pollFirst();
        Running slot = new Running(next.id());
        running.put(next.id(), slot);
        slotsInUse++;
        toStart.add(slot);
      }
    }
    for (Running slot : toStart) {
      workers.execute(() -> execute(slot));
    }
  }

  private void execute(Running slot) {
    try {
      Task task = store.get(slot.id).orElse(null);
      if (task == null || task.status() != TaskStatus.PENDING) {
        return;
      }
      Instant now = clock.instant();
      try {
        // Not synced on its own: lost only with the machine, when the run is gone too and the task
        // simply waits again. The run's end is synced.
        task = store.update(task.toBuilder().status(TaskStatus.PROCESSING).startedAt(now).updatedAt(now)
            .attempts(task.attempts() + 1).notBefore(null).build(), false);
      } catch (StaleVersionException e) {
        return; // cancelled as it was dispatched
      }
      RunStream stream = stream(task);
      stream.publishEvent("status", statusJson(task));
      webhooks.publish(task.id(), task.webhookUrl(), "task.started", startedData(task));
      if (slot.cancelRequested) {
        finish(task, TaskStatus.CANCELLED, null, "The task was cancelled", "cancelled", BigDecimal.ZERO, null, null);
        return;
      }
      Duration timeout = task.timeout() != null ? task.timeout() : config.taskQueue().defaultTimeout();
      SessionManager.Turn turn;
      try {
        turn = sessions.runTask(task.sessionId(), task.prompt(), task.options(), timeout,
            event -> stream.publish(event.rawLine(), null), run -> {
              // A second run of the same turn (the CLI disagreed about its session) takes the
              // slot again, even if that briefly exceeds the limit: it is rare, and short.
              holdSlot(slot);
              slot.run = run;
              // The outcome exists once the process has exited (its whole tree, when it was
              // stopped): the slot can run the next task while this one is recorded.
              run.outcome().whenComplete((outcome, error) -> releaseSlot(slot));
              if (slot.cancelRequested) {
                run.cancel();
              }
            });
      } catch (CcsException e) {
        finish(task, TaskStatus.FAILED, null, e.getMessage(), e.code(), BigDecimal.ZERO, null, null);
        return;
      }
      settle(task, slot, turn);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      endAfterFailure(slot, null);
    } catch (RuntimeException | Error e) {
      // Whatever went wrong (out of memory included), the task ends: nobody waits for ever.
      endAfterFailure(slot, e);
      if (e instanceof Error error) {
        throw error;
      }
    } finally {
      synchronized (lock) {
        running.remove(slot.id);
      }
      slot.done.complete(null);
      releaseSlot(slot);
    }
  }

  /** A task whose worker failed or was interrupted: cancelled if asked for, else failed (or requeued). */
  private void endAfterFailure(Running slot, Throwable failure) {
    try {
      Task task = store.get(slot.id).orElse(null);
      if (task == null || task.status().terminal()) {
        return;
      }
      if (slot.cancelRequested) {
        finish(task, TaskStatus.CANCELLED, null, "The task was cancelled", "cancelled", BigDecimal.ZERO, null, null);
      } else if (failure == null) {
        interrupted(task);
      } else {
        LOG.error("task {} failed", slot.id, failure);
        finish(task, TaskStatus.FAILED, null, "Internal error while running the task", "internal_error",
            BigDecimal.ZERO, null, null);
      }
    } catch (RuntimeException | Error e) {
      LOG.error("task {} could not be ended after a failure", slot.id, e);
    }
  }

  private void holdSlot(Running slot) {
    if (slot.slotHeld.compareAndSet(false, true)) {
      synchronized (lock) {
        slotsInUse++;
      }
    }
  }

  /** Frees the task's slot (once) and starts what can start. */
  private void releaseSlot(Running slot) {
    if (slot.slotHeld.compareAndSet(true, false)) {
      synchronized (lock) {
        slotsInUse--;
      }
      dispatch();
    }
  }

  /** Decides what a finished run means for its task. */
  private void settle(Task task, Running slot, SessionManager.Turn turn) {
    RunOutcome outcome = turn.outcome();
    BigDecimal cost = turn.costUsd();
    ResultMessage result = outcome.result();
    ObjectNode usage = result == null ? null : usage(result);
    long durationMs = outcome.duration().toMillis();
    switch (outcome.status()) {
      case SUCCEEDED -> finish(task, TaskStatus.COMPLETED, result.result(), null, null, cost, usage, durationMs);
      case TIMED_OUT -> finish(task, TaskStatus.TIMEOUT, null, "Task execution timeout", "timeout", cost, usage,
          durationMs);
      case CANCELLED -> {
        if (slot.cancelRequested) {
          finish(task, TaskStatus.CANCELLED, null, "The task was cancelled", "cancelled", cost, usage, durationMs);
        } else {
          // Not asked for by anyone: the server is stopping and ended the run.
          interrupted(store.get(task.id()).orElse(task).toBuilder().costUsd(Usd.add(task.costUsd(), cost)).build());
        }
      }
      default -> {
        boolean retryable = outcome.status() == RunStatus.ERROR_RESULT && result.apiErrorStatus() != null
            && RETRYABLE.contains(result.apiErrorStatus());
        String code = outcome.errorCode();
        if (retryable && task.attempts() <= config.taskQueue().retries()) {
          retryLater(task, cost, outcome.message(), code);
        } else {
          finish(task, TaskStatus.FAILED, null, outcome.message(), code, cost, usage, durationMs, retryable
              && config.taskQueue().retries() > 0);
        }
      }
    }
  }

  private void retryLater(Task task, BigDecimal cost, String error, String code) {
    Duration wait = new Backoff(config.taskQueue().retryBackoff(), MAX_RETRY_WAIT).after(task.attempts());
    Instant now = clock.instant();
    Task waiting;
    try {
      waiting = store.update(task.toBuilder().status(TaskStatus.PENDING).updatedAt(now).error(error).errorCode(code)
          .costUsd(Usd.add(task.costUsd(), cost)).notBefore(now.plus(wait)).build());
    } catch (StaleVersionException e) {
      return; // cancelled while it ran: it stays cancelled
    }
    LOG.info("task {} failed ({}); retry {} of {} in {} ms", task.id(), code, task.attempts(),
        config.taskQueue().retries(), wait.toMillis());
    stream(waiting).publishEvent("status", statusJson(waiting));
    enqueue(waiting);
  }

  /** A task whose run the stop of a server interrupted: requeued or failed, as configured. */
  private Task interrupted(Task task) {
    Instant now = clock.instant();
    if (config.taskQueue().requeueInterrupted() && task.interruptions() < MAX_INTERRUPTIONS) {
      try {
        return store.update(task.toBuilder().status(TaskStatus.PENDING).updatedAt(now)
            .interruptions(task.interruptions() + 1).notBefore(null).build());
      } catch (StaleVersionException e) {
        return store.get(task.id()).orElse(task); // ended meanwhile (a cancel): that stays
      }
    }
    return finish(task, TaskStatus.FAILED, null, "interrupted: the server stopped while the task ran", "interrupted",
        BigDecimal.ZERO, null, null);
  }

  private Task finish(Task task, TaskStatus status, String result, String error, String code, BigDecimal cost,
      ObjectNode usage, Long durationMs) {
    return finish(task, status, result, error, code, cost, usage, durationMs, false);
  }

  /** Stores a terminal state (never over another one), then tells webhooks, streams and waiters. */
  private Task finish(Task task, TaskStatus status, String result, String error, String code, BigDecimal cost,
      ObjectNode usage, Long durationMs, boolean deadLetter) {
    Task current = task;
    Task written;
    while (true) {
      if (current.status().terminal()) {
        return current;
      }
      Instant now = clock.instant();
      try {
        written = store.update(current.toBuilder().status(status).updatedAt(now).completedAt(now).result(result)
            .error(error).errorCode(code).costUsd(Usd.add(current.costUsd(), cost)).usage(usage)
            .durationMs(durationMs).notBefore(null).deadLetter(deadLetter).build());
        break;
      } catch (StaleVersionException e) {
        current = store.get(task.id()).orElseThrow();
      }
    }
    Task stored = written;
    String event = switch (status) {
      case COMPLETED -> "task.completed";
      case CANCELLED -> "task.cancelled";
      case TIMEOUT -> "task.timeout";
      default -> "task.failed";
    };
    webhooks.publish(stored.id(), stored.webhookUrl(), event, terminalData(stored));
    RunStream stream = stream(stored);
    streams.finish(stream, status == TaskStatus.COMPLETED ? StreamStatus.COMPLETED
        : status == TaskStatus.CANCELLED ? StreamStatus.CANCELLED : StreamStatus.FAILED,
        status == TaskStatus.COMPLETED ? "done" : "error", Json.write(TaskJson.toJson(stored)), forgetter(stored.id(),
        stream));
    retention.finished();
    CompletableFuture<Task> completion = completions.remove(stored.id());
    if (completion != null) {
      completion.complete(stored);
    }
    return stored;
  }

  /**
   * Removes the oldest finished tasks beyond {@code limits.maxStoredTasks} now (it also happens on
   * its own, soon after a task passes the bound).
   *
   * @return how many were removed
   */
  public int trimToLimits() {
    return retention.trim();
  }

  // ---------------------------------------------------------------- cancel, priority, replay

  /**
   * Cancels a task: a waiting one is removed; a running one has its process tree ended, and this
   * returns when it has exited (or, should it not exit within the kill grace period and ten seconds,
   * with the task marked cancelled all the same). On return the task is {@code cancelled}.
   *
   * @throws CcsException.NotFound, CcsException.Conflict (already finished)
   */
  public Task cancel(UUID id) {
    Task task = get(id);
    if (task.status().terminal()) {
      throw finished(task);
    }
    Running slot;
    boolean wasWaiting;
    synchronized (lock) {
      Cancellable timer = delayed.remove(id);
      if (timer != null) {
        timer.cancel();
      }
      wasWaiting = timer != null || pending.remove(Waiting.of(task));
      slot = wasWaiting ? null : running.get(id);
      if (slot != null) {
        slot.cancelRequested = true;
      }
    }
    ClaudeRun run = slot == null ? null : slot.run;
    if (run != null) {
      run.cancel();
      try {
        slot.done.get(config.execution().killGracePeriod().toMillis() + 10_000, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        LOG.warn("task {} is still ending after its cancel; it is marked cancelled now", id);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // A waiting task, one whose run has not started (it never will), or one that did not end in
    // time: the cancel decides its state now. Whatever ended it first (a result) stays.
    Task after = finish(store.get(id).orElse(task), TaskStatus.CANCELLED, null, "The task was cancelled",
        "cancelled", BigDecimal.ZERO, null, null);
    if (after.status() != TaskStatus.CANCELLED) {
      throw finished(after);
    }
    return after;
  }

  private static CcsException.Conflict finished(Task task) {
    return new CcsException.Conflict("task_finished", "Cannot cancel task with status: " + task.status().wireName());
  }

  /**
   * Changes the priority of a waiting task.
   *
   * @throws CcsException.Conflict when it is not waiting any more
   */
  public Task setPriority(UUID id, int priority) {
    if (priority < 1 || priority > 10) {
      throw new CcsException.InvalidRequest("Priority must be a number between 1 and 10");
    }
    Task updated;
    synchronized (lock) {
      Task task = get(id);
      boolean waiting = task.status() == TaskStatus.PENDING
          && (pending.remove(Waiting.of(task)) || delayed.containsKey(id));
      if (!waiting) {
        throw new CcsException.Conflict("task_not_pending", "Cannot modify priority for task with status: "
            + (task.status() == TaskStatus.PENDING ? TaskStatus.PROCESSING : task.status()).wireName());
      }
      updated = store.update(task.toBuilder().priority(priority).updatedAt(clock.instant()).build());
      if (!delayed.containsKey(id)) {
        pending.add(Waiting.of(updated));
      }
    }
    dispatch();
    return updated;
  }

  /** Submits a failed task again, as a new task in the same session ({@code replay_of} names the old one). */
  public Task replay(UUID id) {
    Task failed = get(id);
    if (failed.status() != TaskStatus.FAILED && failed.status() != TaskStatus.TIMEOUT) {
      throw new CcsException.Conflict("task_not_failed", "Only failed tasks can be replayed, not "
          + failed.status().wireName() + " ones");
    }
    NewTask again = new NewTask(failed.prompt(), null, failed.sessionId(), failed.options(), failed.priority(),
        failed.timeout(), failed.webhookUrl(), failed.metadata(), null);
    return create(again, null, hash(again), failed.id());
  }

  // ---------------------------------------------------------------- queries

  /** @throws CcsException.NotFound when there is no such task */
  public Task get(UUID id) {
    return store.get(id).orElseThrow(() -> new CcsException.NotFound("Task not found"));
  }

  public List<Task> list(TaskStatus status, int limit) {
    return store.list(status, limit);
  }

  /** Ids of {@link #list}'s tasks, newest first: read each with {@link #find} to hold one at a time. */
  public List<UUID> listIds(TaskStatus status, int limit) {
    return store.listIds(status, limit);
  }

  /** Ids of {@link #deadLetters}' tasks, newest first. */
  public List<UUID> deadLetterIds(int limit) {
    return store.deadLetterIds(limit);
  }

  /** The task, if it (still) exists. */
  public Optional<Task> find(UUID id) {
    return store.get(id);
  }

  /** Tasks that failed for good after their retries, newest first. */
  public List<Task> deadLetters(int limit) {
    return store.deadLetters(limit);
  }

  public QueueStatus status() {
    TaskSummary summary = store.summary();
    List<UUID> runningIds;
    synchronized (lock) {
      // Those whose CLI runs (at most the concurrency); a task recording its end is still processing.
      runningIds = running.values().stream().filter(r -> r.slotHeld.get()).map(r -> r.id).toList();
    }
    Instant oldest = summary.oldestPendingCreatedAt();
    return new QueueStatus(summary.counts(), runningIds, config.taskQueue().concurrency(), summary.total(),
        oldest == null ? null : Duration.between(oldest, clock.instant()), summary.totalCostUsd(),
        summary.deadLetters());
  }

  /** The task's events: its status changes, its CLI output, and its end. */
  public RunStream events(UUID id) {
    return stream(get(id));
  }

  /** Completes when the task ends (at once for a finished one). */
  public CompletableFuture<Task> completion(UUID id) {
    Task task = get(id);
    if (task.status().terminal()) {
      return CompletableFuture.completedFuture(task);
    }
    CompletableFuture<Task> completion = completions.computeIfAbsent(id, k -> new CompletableFuture<>());
    // It may have ended between the read and the registration.
    Task again = get(id);
    if (again.status().terminal()) {
      completion.complete(again);
    }
    return completion;
  }

  private RunStream stream(Task task) {
    RunStream existing = events.get(task.id());
    if (existing != null) {
      return existing;
    }
    RunStream created = streams.detached("task_" + task.id(), task.sessionId());
    boolean finished = task.status().terminal();
    if (finished) {
      // Known only from the record (a finished task after a restart): its status and its end.
      created.publishEvent("status", statusJson(task));
      created.finish(task.status() == TaskStatus.COMPLETED ? StreamStatus.COMPLETED : StreamStatus.FAILED,
          task.status() == TaskStatus.COMPLETED ? "done" : "error", Json.write(TaskJson.toJson(task)), clock.instant());
    }
    RunStream raced = events.putIfAbsent(task.id(), created);
    if (raced != null) {
      return raced;
    }
    if (finished) {
      // Outside any map operation: retiring it may forget an older stream, which removes that from the map.
      streams.retire(created, forgetter(task.id(), created));
    }
    return created;
  }

  /** Drops a task's stream when the registry forgets it (capturing the id, not the task and its prompt). */
  private Runnable forgetter(UUID id, RunStream stream) {
    return () -> events.remove(id, stream);
  }

  // ---------------------------------------------------------------- payloads

  private static String statusJson(Task task) {
    return Json.write(Json.object().put("task_id", task.id().toString()).put("status", task.status().wireName())
        .put("attempts", task.attempts()));
  }

  private static ObjectNode startedData(Task task) {
    ObjectNode data = Json.object();
    data.put("task_id", task.id().toString());
    data.put("status", task.status().wireName());
    data.put("prompt", task.prompt());
    data.put("model", task.options().model());
    data.put("project_path", task.projectPath());
    data.put("priority", task.priority());
    data.put("created_at", task.createdAt().toString());
    data.put("started_at", task.startedAt().toString());
    data.put("session_id", task.sessionId().toString());
    data.put("attempt", task.attempts());
    return data;
  }

  private static ObjectNode terminalData(Task task) {
    ObjectNode data = Json.object();
    data.put("task_id", task.id().toString());
    data.put("status", task.status().wireName());
    data.put("session_id", task.sessionId().toString());
    data.put("cost_usd", task.costUsd());
    if (task.durationMs() != null) {
      data.put("duration_ms", task.durationMs());
    }
    switch (task.status()) {
      case COMPLETED -> {
        data.put("result", task.result());
        data.set("usage", task.usage());
      }
      case FAILED -> {
        data.put("error", task.error());
        data.put("code", task.errorCode());
        data.put("attempts", task.attempts());
        data.put("dead_letter", task.deadLetter());
      }
      case TIMEOUT -> data.put("error", task.error());
      default -> { }
    }
    return data;
  }

  private static ObjectNode usage(ResultMessage result) {
    ObjectNode usage = Json.object();
    usage.put("input_tokens", result.usage().inputTokens());
    usage.put("output_tokens", result.usage().outputTokens());
    usage.put("cache_creation_input_tokens", result.usage().cacheCreationInputTokens());
    usage.put("cache_read_input_tokens", result.usage().cacheReadInputTokens());
    usage.put("num_turns", result.numTurns());
    return usage;
  }

  /** SHA-256 of what defines a request, to tell a repeat from a reuse of its idempotency key. */
  static String hash(NewTask request) {
    ObjectNode canonical = Json.object();
    canonical.put("prompt", request.prompt());
    canonical.put("project_path", request.projectPath());
    canonical.put("session_id", request.sessionId() == null ? null : request.sessionId().toString());
    canonical.set("options", TaskJson.options(request.options()));
    canonical.put("priority", request.priority());
    canonical.put("timeout_ms", request.timeout() == null ? null : request.timeout().toMillis());
    canonical.put("webhook_url", request.webhookUrl());
    canonical.set("metadata", request.metadata());
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(Json.writeBytes(canonical)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
