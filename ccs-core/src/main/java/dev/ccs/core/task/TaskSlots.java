package dev.ccs.core.task;

import dev.ccs.core.error.CcsException;
import dev.ccs.core.exec.RunHandle;
import dev.ccs.core.time.Cancellable;
import dev.ccs.core.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Who runs next, and when: the waiting tasks in their order, the retries waiting for their time,
 * and the {@code concurrency} slots. Dispatch is event-driven: a submission, a freed slot, a due
 * retry or a priority change starts what can start, at once, in O(log n). One monitor guards it
 * all; nothing slow (storage, processes) is done while holding it.
 *
 * <p>With a {@link SharedLine} (several nodes on one database) the waiting tasks are the
 * database's: a free slot claims the next one from it, and nothing of the line is kept here.
 */
final class TaskSlots {

  /** What a client refused for a full queue is told to wait. */
  private static final Duration QUEUE_FULL_RETRY = Duration.ofSeconds(5);

  /** A task waiting for a slot: batch tasks first (a client waits), then priority, then submission. */
  private record Waiting(boolean batch, int priority, long sequence, UUID id) {
    static Waiting of(Task task) {
      return new Waiting(task.batchId() != null, task.priority(), task.sequence(), task.id());
    }
  }

  /**
   * A task being worked on. It holds one of the slots while its CLI process runs; the slot is
   * handed to the next task as soon as that process has exited, and the task's bookkeeping (its
   * end, its webhooks) goes on beside the next run.
   */
  static final class Running {
    final UUID id;
    volatile RunHandle run;
    volatile boolean cancelRequested;
    final AtomicBoolean slotHeld = new AtomicBoolean(true);
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Running(UUID id) {
      this.id = id;
    }
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TaskSlots.class);

  private volatile int concurrency;
  private final int maxPending;
  /** The database's line when several nodes share it, else null (the line is {@code pending}). */
  private final SharedLine line;
  /** Slots set aside for claims in flight from {@link #line}. */
  private int claiming;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Consumer<Running> starter;

  private final Object lock = new Object();
  private final TreeSet<Waiting> pending = new TreeSet<>(Comparator.comparing(Waiting::batch).reversed()
      .thenComparing(Comparator.comparingInt(Waiting::priority).reversed())
      .thenComparingLong(Waiting::sequence).thenComparing(Waiting::id));
  /** Tasks being worked on, from dispatch until their end is stored. */
  private final Map<UUID, Running> running = new HashMap<>();
  /** Slots in use: tasks whose CLI process may still be running. */
  private int slotsInUse;
  /** Retries waiting for their time. */
  private final Map<UUID, Cancellable> delayed = new HashMap<>();
  /** Submissions between their room check and their place in {@code pending}. */
  private int arriving;
  private boolean started;
  private boolean closed;

  /**
   * @param starter runs a dispatched task (off the caller's thread); it ends with {@link #ended}
   */
  TaskSlots(int concurrency, int maxPending, Clock clock, Scheduler scheduler, Consumer<Running> starter) {
    this(concurrency, maxPending, null, clock, scheduler, starter);
  }

  /** @param line the line several nodes share, or null for this node's own line in memory */
  TaskSlots(int concurrency, int maxPending, SharedLine line, Clock clock, Scheduler scheduler,
      Consumer<Running> starter) {
    this.concurrency = concurrency;
    this.maxPending = maxPending;
    this.line = line;
    this.clock = clock;
    this.scheduler = scheduler;
    this.starter = starter;
  }

  /** Starts dispatching (after the stored tasks were queued again). */
  void start() {
    synchronized (lock) {
      started = true;
    }
    dispatch();
  }

  /** Starts nothing any more; retries waiting for their time are dropped (they wait again at the next start). */
  void close() {
    synchronized (lock) {
      closed = true;
      delayed.values().forEach(Cancellable::cancel);
      delayed.clear();
    }
  }

  /**
   * Makes room for {@code count} more waiting tasks; end it with {@link #arrived}.
   *
   * @throws CcsException.Overloaded when {@code taskQueue.maxPending} would be exceeded
   */
  void reserve(int count) {
    // The shared line's count is read outside the monitor (a query); arrivals on this node add to it.
    int shared = line == null ? 0 : line.waiting();
    synchronized (lock) {
      int waiting = shared + pending.size() + delayed.size() + arriving;
      if (waiting + count > maxPending) {
        throw new CcsException.Overloaded("queue_full", "The task queue has " + waiting + " task(s) waiting "
            + "(taskQueue.maxPending is " + maxPending + "); try again later", QUEUE_FULL_RETRY);
      }
      arriving += count;
    }
  }

  void arrived(int count) {
    synchronized (lock) {
      arriving -= count;
    }
  }

  /**
   * Queues a waiting task: at once, or when its retry is due ({@code reload} reads it again then,
   * as it may have changed meanwhile).
   */
  void enqueue(Task task, Function<UUID, Task> reload) {
    synchronized (lock) {
      if (task.notBefore() != null && task.notBefore().isAfter(clock.instant())) {
        Duration wait = Duration.between(clock.instant(), task.notBefore());
        if (line != null) {
          // The task waits in the database; this node looks again when it is due (others poll).
          scheduler.schedule(wait, this::wake);
          return;
        }
        delayed.put(task.id(), scheduler.schedule(wait, () -> due(task.id(), reload)));
      } else if (line == null) {
        pending.add(Waiting.of(task));
      }
    }
    dispatch();
  }

  /** A retry's wait is over: it joins the waiting tasks, in its original place. */
  private void due(UUID id, Function<UUID, Task> reload) {
    synchronized (lock) {
      if (delayed.remove(id) == null) {
        return;
      }
      Task task = reload.apply(id);
      if (task != null && task.status() == TaskStatus.PENDING) {
        pending.add(Waiting.of(task));
      }
    }
    dispatch();
  }

  /** Claims what can start now (a task arrived on another node, a poll, a retry came due). */
  void wake() {
    dispatch();
  }

  private void dispatch() {
    if (line != null) {
      dispatchShared();
      return;
    }
    List<Running> toStart = new ArrayList<>();
    synchronized (lock) {
      while (started && !closed && slotsInUse < concurrency && !pending.isEmpty()) {
        Waiting next = pending.pollFirst();
        Running slot = new Running(next.id());
        running.put(next.id(), slot);
        slotsInUse++;
        toStart.add(slot);
      }
    }
    toStart.forEach(starter);
  }

  /**
   * Claims tasks from the shared line for the free slots: the slots are set aside first (under the
   * monitor), the claims made outside it, and what was not claimed is given back to the count.
   */
  private void dispatchShared() {
    int wanted;
    synchronized (lock) {
      if (!started || closed) {
        return;
      }
      wanted = concurrency - slotsInUse - claiming;
      if (wanted <= 0) {
        return;
      }
      claiming += wanted;
    }
    int claimed = 0;
    try {
      while (claimed < wanted) {
        java.util.Optional<UUID> next = line.claim();
        if (next.isEmpty()) {
          break;
        }
        claimed++;
        Running slot = new Running(next.get());
        boolean start;
        synchronized (lock) {
          claiming--;
          start = !closed;
          if (start) {
            running.put(slot.id, slot);
            slotsInUse++;
          }
        }
        if (start) {
          starter.accept(slot);
        } else {
          line.giveBack(slot.id);
        }
      }
    } catch (RuntimeException e) {
      // The database is away: nothing is claimed until it answers (the queue's poll tries again).
      LOG.warn("cannot claim tasks from the shared queue: {}", e.getMessage());
    } finally {
      synchronized (lock) {
        claiming -= wanted - claimed;
      }
    }
  }

  /** The task's slot while this node works on it, else null. */
  Running runningSlot(UUID id) {
    synchronized (lock) {
      return running.get(id);
    }
  }

  /** Takes the slot again (a second run of the same turn); it may briefly exceed the limit. */
  void hold(Running slot) {
    if (slot.slotHeld.compareAndSet(false, true)) {
      synchronized (lock) {
        slotsInUse++;
      }
    }
  }

  /** Frees the task's slot (once) and starts what can start. */
  void release(Running slot) {
    if (slot.slotHeld.compareAndSet(true, false)) {
      synchronized (lock) {
        slotsInUse--;
      }
      dispatch();
    }
  }

  /** The task's worker is done: it is no longer worked on, and its slot is free. */
  void ended(Running slot) {
    synchronized (lock) {
      running.remove(slot.id);
    }
    slot.done.complete(null);
    release(slot);
  }

  /**
   * Takes a task out of the line for a cancel.
   *
   * @return null when it was waiting (it never runs now); else the task being worked on, marked
   *     cancelled, or an empty one when it is neither
   */
  Running withdraw(Task task) {
    synchronized (lock) {
      Cancellable timer = delayed.remove(task.id());
      if (timer != null) {
        timer.cancel();
      }
      if (timer != null || pending.remove(Waiting.of(task))) {
        return null;
      }
      Running slot = running.get(task.id());
      if (slot != null) {
        slot.cancelRequested = true;
        return slot;
      }
      // A shared line's task not run here waits in the database, or runs on another node: the
      // cancel's versioned write decides (and that node hears of it).
      return line != null ? null : new Running(task.id());
    }
  }

  /**
   * Changes a waiting task's place: {@code change} stores the new priority while the line is held
   * (so that the task read, its place and its change agree).
   *
   * @throws CcsException.Conflict when the task is not waiting (any more)
   */
  Task reprioritize(Supplier<Task> current, UnaryOperator<Task> change) {
    Task updated;
    synchronized (lock) {
      Task task = current.get();
      boolean waiting = task.status() == TaskStatus.PENDING
          && (line != null || pending.remove(Waiting.of(task)) || delayed.containsKey(task.id()));
      if (!waiting) {
        // 400 as the Node server answered it (its clients look for that status).
        throw new CcsException.InvalidRequest("task_not_pending", "Cannot modify priority for task with status: "
            + (task.status() == TaskStatus.PENDING ? TaskStatus.PROCESSING : task.status()).wireName());
      }
      updated = change.apply(task);
      if (line == null && !delayed.containsKey(task.id())) {
        pending.add(Waiting.of(updated));
      }
    }
    dispatch();
    return updated;
  }

  /** Tasks whose CLI runs (at most the concurrency); a task recording its end is still processing. */
  List<UUID> runningIds() {
    synchronized (lock) {
      return running.values().stream().filter(r -> r.slotHeld.get()).map(r -> r.id).toList();
    }
  }

  int concurrency() {
    return concurrency;
  }

  /** Whether tasks are started: after {@link #start}, before {@link #close}. */
  boolean starting() {
    synchronized (lock) {
      return started && !closed;
    }
  }

  /**
   * Takes a new concurrency (config reload): a higher one starts waiting tasks at once; a lower one
   * lets running tasks finish and starts no more until fewer run.
   */
  void concurrency(int value) {
    synchronized (lock) {
      concurrency = value;
    }
    dispatch();
  }
}
