package dev.ccs.core.task;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.exec.RunHandle;
import dev.ccs.core.limit.InputLimits;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionManager;
import dev.ccs.core.stream.RunStream;
import dev.ccs.core.stream.StreamRegistry;
import dev.ccs.core.time.Scheduler;
import dev.ccs.core.time.Ticker;
import dev.ccs.core.webhook.WebhookDispatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable priority queue of tasks. Priority 10 runs first, first-in-first-out within a
 * priority, at most {@code taskQueue.concurrency} at once ({@link TaskSlots}). Every task is stored
 * before it is acknowledged and at every change.
 *
 * <p>Terminal states are final ({@link TaskEnding}). Cancelling a running task ends its whole
 * process tree and the slot is freed only when it has exited. A task that was running when the
 * server stopped is requeued (at most three times) or failed, after its leftover processes have
 * been ended; it never runs twice at the same time.
 */
public final class TaskQueue {

  private static final Logger LOG = LoggerFactory.getLogger(TaskQueue.class);

  /** A submission: the task, and whether it is new (false: an earlier one with the same key). */
  public record Submitted(Task task, boolean created) {
  }

  /** A priority change: the task after it, and the priority it had before (read under the same lock). */
  public record PriorityChange(Task task, int oldPriority) {
  }

  private volatile TaskQueueConfig config;
  private final Duration killGrace;
  private final TaskStore store;
  private final SessionManager sessions;
  private final WebhookDispatcher webhooks;
  private final Clock clock;
  private final Ticker ticker;
  private final SubmissionChecks checks;
  private final AtomicLong sequence = new AtomicLong();
  private final IdempotencyKeys idempotencyKeys;
  private final TaskRetention retention;
  private final TaskStreams streams;
  private final TaskSlots slots;
  private final TaskEnding ending;
  private final TaskRunner runner;
  /** This node's part in a line several nodes share (a database), or null: its line is in memory. */
  private final SharedLineNode shared;

  /**
   * @param workers runs each dispatched task
   * @param jobs runs background jobs (removing tasks beyond {@code limits.maxStoredTasks})
   */
  public TaskQueue(CcsConfig config, TaskStore store, SessionManager sessions, WebhookDispatcher webhooks,
      StreamRegistry streams, InputLimits limits, Clock clock, Ticker ticker, Scheduler scheduler, Executor workers,
      Executor jobs) {
    this.config = config.taskQueue();
    this.killGrace = config.execution().killGracePeriod();
    this.store = store;
    this.sessions = sessions;
    this.webhooks = webhooks;
    this.clock = clock;
    this.ticker = ticker;
    this.checks = new SubmissionChecks(limits, webhooks);
    this.idempotencyKeys = new IdempotencyKeys(this.config.maxIdempotencyKeys(), clock);
    this.retention = new TaskRetention(config.limits().maxStoredTasks(), store, webhooks, clock, jobs);
    this.streams = new TaskStreams(streams, clock);
    SharedLine line = store.sharedLine().orElse(null);
    // Slots start runs with the runner, made next: nothing is dispatched before start().
    this.slots = new TaskSlots(this.config.concurrency(), this.config.maxPending(), line, clock, scheduler,
        slot -> workers.execute(() -> run(slot)));
    this.ending = new TaskEnding(store, clock, webhooks, this.streams, retention, this.config, this::enqueue);
    this.runner = new TaskRunner(this.config, store, sessions, webhooks, this.streams, ending, slots, clock);
    // A third of the lease: a dead node's tasks are taken over soon after its leases expire.
    this.shared = line == null ? null : new SharedLineNode(line, store, slots, ending, webhooks, scheduler, jobs,
        Duration.ofMillis(Math.max(250, config.store().lease().toMillis() / 3)));
  }

  private void run(TaskSlots.Running slot) {
    runner.run(slot);
  }

  // ---------------------------------------------------------------- start and stop

  /**
   * Loads the stored tasks and starts dispatching: waiting tasks in their order, tasks that were
   * running when the previous server stopped handled by {@code taskQueue.onInterrupted}. Call it
   * after the previous server's leftover processes have been ended.
   */
  public void start() {
    if (shared != null) {
      shared.start();
      return;
    }
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
      sessions.restoreForTask(task.sessionId(), task.projectPath(), task.options().model(), task.createdAt());
      if (task.status() == TaskStatus.PROCESSING) {
        task = ending.interrupted(task);
        if (task.status() == TaskStatus.PENDING) {
          requeued++;
        } else {
          failed++;
        }
      }
      if (task.status() == TaskStatus.PENDING) {
        ending.expect(task.id());
        streams.publishStatus(task);
        enqueue(task);
      }
    }
    if (requeued + failed > 0) {
      LOG.info("{} task(s) were running when the server stopped: {} requeued, {} failed", requeued + failed, requeued,
          failed);
    }
    slots.start();
  }

  /**
   * Takes new queue settings (config reload): concurrency, default timeout, retries and backoff
   * apply from now on; {@code maxPending}, {@code maxIdempotencyKeys} and {@code onInterrupted} at
   * the next start.
   */
  public void reconfigure(TaskQueueConfig value) {
    config = value;
    runner.reconfigure(value);
    slots.concurrency(value.concurrency());
  }

  /** Stops starting tasks; running ones are recorded as interrupted when their runs are ended. */
  public void close() {
    slots.close();
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
    checks.check(request);
    sessions.checkWarm(request.options());
    String hash = IdempotencyKeys.requestHash(request);
    if (idempotencyKey == null) {
      return new Submitted(create(request, new Task.IdempotencyRef(null, hash), null), true);
    }
    synchronized (idempotencyKeys) {
      Optional<Task> earlier = idempotencyKeys.find(idempotencyKey).flatMap(store::get);
      if (earlier.isPresent()) {
        return repeated(earlier.get(), hash, idempotencyKey);
      }
      Task created;
      try {
        created = create(request, new Task.IdempotencyRef(idempotencyKey, hash), null);
      } catch (IdempotencyKeyTaken taken) {
        // Another node took the key first (a shared store arbitrates keys): that task answers.
        Task holder = get(taken.taskId());
        idempotencyKeys.remember(idempotencyKey, holder.id(), holder.createdAt());
        return repeated(holder, hash, idempotencyKey);
      }
      idempotencyKeys.remember(idempotencyKey, created.id(), created.createdAt());
      return new Submitted(created, true);
    }
  }

  /** A submission whose key names an earlier task: that task, when the request is the same. */
  private static Submitted repeated(Task earlier, String hash, String idempotencyKey) {
    if (!hash.equals(earlier.requestHash())) {
      throw new CcsException.Conflict("idempotency_key_reused", "Idempotency-Key \"" + idempotencyKey
          + "\" was already used for a different request (task " + earlier.id() + ")");
    }
    return new Submitted(earlier, false);
  }

  /**
   * Stores and queues every task of a batch, or none: they are checked, and room is made for all of
   * them, before the first is stored.
   *
   * @throws CcsException.Overloaded when the queue has no room for all of them
   */
  public List<Task> submitAll(List<NewTask> requests) {
    requests.forEach(checks::check);
    slots.reserve(requests.size());
    List<Task> created = new ArrayList<>();
    try {
      for (NewTask request : requests) {
        created.add(createReserved(request, new Task.IdempotencyRef(null, IdempotencyKeys.requestHash(request)),
            null));
      }
    } finally {
      slots.arrived(requests.size());
    }
    return created;
  }

  /**
   * Runs a batch: every request is queued as a task of one new batch (all or none; batch tasks go
   * before background tasks of their priority), then awaited until all have ended or
   * {@code deadline} has passed, whichever is first. Tasks still waiting or running then go on,
   * and are readable by their ids.
   *
   * @throws CcsException.Overloaded when the queue has no room for all of them
   */
  public Batch runBatch(List<NewTask> requests, Duration deadline) {
    return Batch.run(this, requests, deadline, ticker);
  }

  /** The deadline a batch of {@code count} tasks gets: a run per round of the slots, plus one. */
  public Duration batchDeadline(int count) {
    int rounds = (count + config.concurrency() - 1) / config.concurrency();
    return config.defaultTimeout().multipliedBy(rounds + 1L);
  }

  private Task create(NewTask request, Task.IdempotencyRef key, UUID replayOf) {
    slots.reserve(1);
    try {
      return createReserved(request, key, replayOf);
    } finally {
      slots.arrived(1);
    }
  }

  /** Creates a task for which room was reserved; the caller ends the reservation once this returns. */
  private Task createReserved(NewTask request, Task.IdempotencyRef key, UUID replayOf) {
    Session session = request.sessionId() != null ? sessions.get(request.sessionId())
        : sessions.createForTask(request.projectPath(), request.options().model());
    Task task = Task.pending(request, UUID.randomUUID(), sequence.incrementAndGet(), clock.instant(),
        new Task.SessionRef(session.id(), session.projectPath()), key, replayOf);
    // On disk before anyone hears of it.
    Task stored;
    try {
      stored = store.create(task);
    } catch (IdempotencyKeyTaken taken) {
      if (request.sessionId() == null) {
        sessions.delete(session.id()); // made for this task, which is not created
      }
      throw taken;
    }
    ending.expect(stored.id());
    streams.publishStatus(stored);
    enqueue(stored);
    return stored;
  }

  private void enqueue(Task task) {
    slots.enqueue(task, id -> store.get(id).orElse(null));
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

  /**
   * Removes tasks that finished before {@code cutoff} with their webhook deliveries (a bounded
   * number per call; see the log when more remain).
   *
   * @return how many tasks were removed
   */
  public int purgeOlderThan(Instant cutoff) {
    return retention.purgeOlderThan(cutoff);
  }

  // ---------------------------------------------------------------- cancel, priority, replay

  /**
   * Cancels a task: a waiting one is removed; a running one has its process tree ended, and this
   * returns when it has exited (or, should it not exit within the kill grace period and ten seconds,
   * with the task marked cancelled all the same). On return the task is {@code cancelled}.
   *
   * @throws CcsException.NotFound, CcsException.InvalidRequest (already finished)
   */
  public Task cancel(UUID id) {
    Task task = get(id);
    if (task.status().terminal()) {
      throw finished(task);
    }
    TaskSlots.Running slot = slots.withdraw(task);
    RunHandle run = slot == null ? null : slot.run;
    if (run != null) {
      run.cancel();
      try {
        slot.done.get(killGrace.toMillis() + 10_000, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        LOG.warn("task {} is still ending after its cancel; it is marked cancelled now", id);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // A waiting task, one whose run has not started (it never will), or one that did not end in
    // time: the cancel decides its state now. Whatever ended it first (a result) stays.
    Task after = ending.finish(store.get(id).orElse(task), Ending.CANCELLED);
    if (after.status() != TaskStatus.CANCELLED) {
      throw finished(after);
    }
    return after;
  }

  /** 400 as the Node server answered it (its clients look for that status), with a code of its own. */
  private static CcsException.InvalidRequest finished(Task task) {
    return new CcsException.InvalidRequest("task_finished", "Cannot cancel task with status: "
        + task.status().wireName());
  }

  /**
   * Changes the priority of a waiting task.
   *
   * @throws CcsException.InvalidRequest for a priority out of range
   * @throws CcsException.Conflict when it is not waiting any more
   */
  public PriorityChange setPriority(UUID id, int priority) {
    if (priority < NewTask.MIN_PRIORITY || priority > NewTask.MAX_PRIORITY) {
      throw new CcsException.InvalidRequest("Priority must be a number between " + NewTask.MIN_PRIORITY + " and "
          + NewTask.MAX_PRIORITY);
    }
    int[] old = new int[1];
    Task updated = slots.reprioritize(() -> get(id), task -> {
      old[0] = task.priority();
      return store.update(task.toBuilder().priority(priority).updatedAt(clock.instant()).build());
    });
    return new PriorityChange(updated, old[0]);
  }

  /** Submits a failed task again, as a new task in the same session ({@code replay_of} names the old one). */
  public Task replay(UUID id) {
    Task failed = get(id);
    if (failed.status() != TaskStatus.FAILED && failed.status() != TaskStatus.TIMEOUT) {
      throw new CcsException.Conflict("task_not_failed", "Only failed tasks can be replayed, not "
          + failed.status().wireName() + " ones");
    }
    NewTask again = NewTask.builder(failed.prompt()).sessionId(failed.sessionId()).options(failed.options())
        .priority(failed.priority()).timeout(failed.timeout()).webhookUrl(failed.webhookUrl())
        .metadata(failed.metadata()).build();
    return create(again, new Task.IdempotencyRef(null, IdempotencyKeys.requestHash(again)), failed.id());
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

  /** As {@link #listIds(TaskStatus, int)}, the page after {@code after} (null: the first). */
  public List<UUID> listIds(TaskStatus status, int limit, TaskCursor after) {
    return store.listIds(status, limit, after);
  }

  /** Ids of {@link #deadLetters}' tasks, newest first. */
  public List<UUID> deadLetterIds(int limit) {
    return store.deadLetterIds(limit);
  }

  /** As {@link #deadLetterIds(int)}, the page after {@code after} (null: the first). */
  public List<UUID> deadLetterIds(int limit, TaskCursor after) {
    return store.deadLetterIds(limit, after);
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
    Instant oldest = summary.oldestPendingCreatedAt();
    return new QueueStatus(slots.starting(), summary.counts(), slots.runningIds(), slots.concurrency(), summary.total(),
        oldest == null ? null : Duration.between(oldest, clock.instant()), summary.totalCostUsd(),
        summary.deadLetters());
  }

  /** The task's events: its status changes, its CLI output, and its end. */
  public RunStream events(UUID id) {
    return streams.of(get(id));
  }

  /** Completes when the task ends (at once for a finished one). */
  public CompletableFuture<Task> completion(UUID id) {
    return ending.completion(id, () -> get(id));
  }
}
