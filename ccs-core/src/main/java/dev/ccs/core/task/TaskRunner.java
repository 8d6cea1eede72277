package dev.ccs.core.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.error.StaleVersionException;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.money.Usd;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.session.SessionManager;
import dev.ccs.core.session.Turn;
import dev.ccs.core.stream.RunStream;
import dev.ccs.core.webhook.WebhookDispatcher;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one dispatched task: marks it started, runs its turn in its session (holding a slot while
 * the CLI runs), and decides what the outcome means for it (completed, timed out, cancelled, a
 * retry, or failed). Whatever goes wrong, the task ends: nobody waits for ever.
 */
final class TaskRunner {

  private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

  private volatile TaskQueueConfig config;
  private final TaskStore store;
  private final SessionManager sessions;
  private final WebhookDispatcher webhooks;
  private final TaskStreams streams;
  private final TaskEnding ending;
  private final TaskSlots slots;
  private volatile RetryPolicy retries;
  private final Clock clock;

  TaskRunner(TaskQueueConfig config, TaskStore store, SessionManager sessions, WebhookDispatcher webhooks,
      TaskStreams streams, TaskEnding ending, TaskSlots slots, Clock clock) {
    this.config = config;
    this.store = store;
    this.sessions = sessions;
    this.webhooks = webhooks;
    this.streams = streams;
    this.ending = ending;
    this.slots = slots;
    this.retries = new RetryPolicy(config.retries(), config.retryBackoff());
    this.clock = clock;
  }

  void run(TaskSlots.Running slot) {
    try {
      Task task = start(slot);
      if (task != null) {
        Turn turn = runTurn(task, slot);
        if (turn != null) {
          settle(task, slot, turn);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      endAfterFailure(slot, null);
    } catch (RuntimeException | Error e) {
      // Whatever went wrong (out of memory included), the task ends.
      endAfterFailure(slot, e);
      if (e instanceof Error error) {
        throw error;
      }
    } finally {
      slots.ended(slot);
    }
  }

  /** Marks the task started; null when it is not to run (gone, cancelled as it was dispatched). */
  private Task start(TaskSlots.Running slot) {
    Task task = store.get(slot.id).orElse(null);
    if (task == null || task.status() != TaskStatus.PENDING) {
      return null;
    }
    Instant now = clock.instant();
    try {
      // Not synced on its own: lost only with the machine, when the run is gone too and the task
      // simply waits again. The run's end is synced.
      task = store.update(task.toBuilder().status(TaskStatus.PROCESSING).startedAt(now).updatedAt(now)
          .attempts(task.attempts() + 1).notBefore(null).build(), false);
    } catch (StaleVersionException e) {
      return null; // cancelled as it was dispatched
    }
    streams.publishStatus(task);
    webhooks.publish(task.id(), task.webhookUrl(), "task.started", TaskPayloads.started(task));
    if (slot.cancelRequested) {
      ending.finish(task, Ending.CANCELLED);
      return null;
    }
    return task;
  }

  /** The task's turn; null when it could not run (it has ended then). */
  private Turn runTurn(Task task, TaskSlots.Running slot) throws InterruptedException {
    Duration timeout = task.timeout() != null ? task.timeout() : config.defaultTimeout();
    RunStream stream = streams.of(task);
    try {
      return sessions.runTask(task.sessionId(), task.prompt(), task.options(), timeout,
          event -> stream.publish(event.rawLine(), null), run -> {
            // A second run of the same turn (the CLI disagreed about its session) takes the slot
            // again, even if that briefly exceeds the limit: it is rare, and short.
            slots.hold(slot);
            slot.run = run;
            // The outcome exists once the process has exited (its whole tree, when it was
            // stopped): the slot can run the next task while this one is recorded.
            run.outcome().whenComplete((outcome, error) -> slots.release(slot));
            if (slot.cancelRequested) {
              run.cancel();
            }
          });
    } catch (CcsException e) {
      ending.finish(task, Ending.failed(e.getMessage(), e.code()));
      return null;
    }
  }

  /** Decides what a finished run means for its task. */
  private void settle(Task task, TaskSlots.Running slot, Turn turn) {
    RunOutcome outcome = turn.outcome();
    BigDecimal cost = turn.costUsd();
    ResultMessage result = outcome.result();
    ObjectNode usage = result == null ? null : result.usage().toJson().put("num_turns", result.numTurns());
    long durationMs = outcome.duration().toMillis();
    switch (outcome.status()) {
      case SUCCEEDED -> ending.finish(task, Ending.completed(result.result(), cost, usage, durationMs));
      case TIMED_OUT -> ending.finish(task, Ending.timedOut(cost, usage, durationMs));
      case CANCELLED -> {
        if (slot.cancelRequested) {
          ending.finish(task, Ending.cancelled(cost, usage, durationMs));
        } else {
          // Not asked for by anyone: the server is stopping and ended the run.
          ending.interrupted(store.get(task.id()).orElse(task).toBuilder().costUsd(Usd.add(task.costUsd(), cost))
              .build());
        }
      }
      default -> {
        RetryPolicy.Decision decision = retries.decide(outcome, task.attempts());
        if (decision.retry()) {
          ending.retryLater(task, cost, outcome.message(), outcome.errorCode(), decision.retryAfter());
        } else {
          ending.finish(task, Ending.failed(outcome.message(), outcome.errorCode(), cost, usage, durationMs,
              decision.deadLetter()));
        }
      }
    }
  }

  /** A task whose worker failed or was interrupted: cancelled if asked for, else failed (or requeued). */
  private void endAfterFailure(TaskSlots.Running slot, Throwable failure) {
    try {
      Task task = store.get(slot.id).orElse(null);
      if (task == null || task.status().terminal()) {
        return;
      }
      if (slot.cancelRequested) {
        ending.finish(task, Ending.CANCELLED);
      } else if (failure == null) {
        ending.interrupted(task);
      } else {
        LOG.error("task {} failed", slot.id, failure);
        ending.finish(task, Ending.failed("Internal error while running the task", "internal_error"));
      }
    } catch (RuntimeException | Error e) {
      LOG.error("task {} could not be ended after a failure", slot.id, e);
    }
  }

  /** Takes new timeouts and retry settings (config reload); they apply to attempts that start from now on. */
  void reconfigure(TaskQueueConfig value) {
    retries = new RetryPolicy(value.retries(), value.retryBackoff());
    config = value;
  }
}
