package dev.ccs.core.task;

import dev.ccs.core.exec.RunHandle;
import dev.ccs.core.time.Scheduler;
import dev.ccs.core.webhook.WebhookDispatcher;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue's part in a {@link SharedLine} (several nodes on one database): its start, the
 * notifications of other nodes (a task submitted, a task ended there), the lease it lost, and the
 * poll that takes over the tasks of nodes that died.
 */
final class SharedLineNode {

  private static final Logger LOG = LoggerFactory.getLogger(SharedLineNode.class);

  private final SharedLine line;
  private final TaskStore store;
  private final TaskSlots slots;
  private final TaskEnding ending;
  private final WebhookDispatcher webhooks;
  private final Scheduler scheduler;
  private final Executor jobs;
  private final Duration pollEvery;

  SharedLineNode(SharedLine line, TaskStore store, TaskSlots slots, TaskEnding ending, WebhookDispatcher webhooks,
      Scheduler scheduler, Executor jobs, Duration pollEvery) {
    this.line = line;
    this.store = store;
    this.slots = slots;
    this.ending = ending;
    this.webhooks = webhooks;
    this.scheduler = scheduler;
    this.jobs = jobs;
    this.pollEvery = pollEvery;
  }

  /**
   * Starts this node's part: the line is the database's, so only what this node held when it
   * stopped (it crashed) is handled here, requeued or failed per {@code onInterrupted}; what other
   * nodes run is theirs. Then the node claims work, hears of other nodes' submissions and ends, and
   * polls now and then for tasks whose node died.
   */
  void start() {
    int requeued = 0;
    int failed = 0;
    for (UUID id : line.heldBefore()) {
      Task task = store.get(id).orElse(null);
      if (task == null) {
        continue;
      }
      if (task.status() == TaskStatus.PROCESSING) {
        if (ending.interrupted(task).status() == TaskStatus.PENDING) {
          requeued++;
        } else {
          failed++;
        }
      } else if (task.status() == TaskStatus.PENDING) {
        line.giveBack(id);
      }
    }
    if (requeued + failed > 0) {
      LOG.info("{} task(s) of this node ({}) were running when it stopped: {} requeued, {} failed", requeued + failed,
          line.nodeId(), requeued, failed);
    }
    line.listen(() -> jobs.execute(slots::wake), this::endedElsewhere, this::lost);
    slots.start();
    scheduler.schedule(pollEvery, this::poll);
  }

  /** The safety net of a shared line: tasks of dead nodes, and any wake-up that was missed. */
  private void poll() {
    if (!slots.starting()) {
      return;
    }
    jobs.execute(() -> {
      try {
        for (UUID id : line.takeOverExpired(100)) {
          store.get(id).filter(task -> task.status() == TaskStatus.PROCESSING).ifPresent(task -> {
            LOG.info("task {} was running on a node whose lease expired: {}", id,
                ending.interrupted(task).status() == TaskStatus.PENDING ? "requeued" : "failed");
          });
        }
        slots.wake();
        webhooks.adoptOrphaned();
      } catch (RuntimeException e) {
        LOG.warn("polling the shared queue failed: {}", e.getMessage());
      } finally {
        scheduler.schedule(pollEvery, this::poll);
      }
    });
  }

  /** Another node ended a task (a cancel there, or its run): this node's waiters and streams hear of it. */
  private void endedElsewhere(UUID id) {
    TaskSlots.Running slot = slots.runningSlot(id);
    if (slot != null) {
      // Cancelled on another node while it runs here: end its run.
      slot.cancelRequested = true;
      RunHandle run = slot.run;
      if (run != null) {
        run.cancel();
      }
    }
    if (ending.heardOfHere(id)) {
      store.get(id).ifPresent(ending::endedElsewhere);
    }
  }

  /** This node could not keep its lease on a task it runs: another node takes it over, so the run ends here. */
  private void lost(UUID id) {
    TaskSlots.Running slot = slots.runningSlot(id);
    RunHandle run = slot == null ? null : slot.run;
    if (run != null && !run.outcome().isDone()) {
      LOG.warn("task {}: this node lost its lease (the database was out of reach); its run is ended", id);
      run.cancel();
    }
  }
}
