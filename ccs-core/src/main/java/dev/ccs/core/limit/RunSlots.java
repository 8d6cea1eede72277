package dev.ccs.core.limit;

import dev.ccs.core.error.CcsException;
import dev.ccs.core.time.Cancellable;
import dev.ccs.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Admission of CLI runs: at most {@code maxRunning} at once, and at most {@code maxWaiting} more
 * admitted and waiting. A turn is admitted first ({@link #admit()}, refused at once with
 * {@link CcsException.Overloaded} when the line is full), may then wait for whatever precedes it
 * (its session's earlier turns), and finally waits for a free run in arrival order
 * ({@link Ticket#await()}), at most {@code maxWait}: a server at capacity answers "retry later"
 * instead of queueing work it cannot start, and the line it keeps is bounded in length and in time.
 *
 * <p>Time is the injected {@link Scheduler}'s, so tests move it instead of sleeping.
 */
public final class RunSlots {

  /** What a refused client is told to wait before trying again. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final int maxRunning;
  private final int maxWaiting;
  private final Duration maxWait;
  private final Scheduler scheduler;

  private final Object lock = new Object();
  // Guarded by lock.
  private int running;
  private int waiting;
  private final Deque<CompletableFuture<Void>> line = new ArrayDeque<>();

  public RunSlots(int maxRunning, int maxWaiting, Duration maxWait, Scheduler scheduler) {
    if (maxRunning < 1 || maxWaiting < 0) {
      throw new IllegalArgumentException("maxRunning must be >= 1 and maxWaiting >= 0");
    }
    this.maxRunning = maxRunning;
    this.maxWaiting = maxWaiting;
    this.maxWait = maxWait;
    this.scheduler = scheduler;
  }

  /**
   * Admits one turn, which from now on counts as waiting until it runs or is closed.
   *
   * @throws CcsException.Overloaded when {@code maxRunning} run and {@code maxWaiting} wait
   */
  public Ticket admit() {
    synchronized (lock) {
      if (running + waiting >= maxRunning + maxWaiting) {
        throw new CcsException.Overloaded("run_capacity", "The server is running " + running
            + " Claude CLI process(es) and has " + waiting + " more turn(s) waiting (execution.maxConcurrentRuns, "
            + "execution.maxWaitingRuns); try again shortly", RETRY_AFTER);
      }
      waiting++;
    }
    return new Ticket();
  }

  /** Runs going on now. */
  public int running() {
    synchronized (lock) {
      return running;
    }
  }

  /** Turns waiting for a free run now (admitted turns may also wait for their session first). */
  public int lineLength() {
    synchronized (lock) {
      return line.size();
    }
  }

  /** Turns admitted and not running yet. */
  public int waiting() {
    synchronized (lock) {
      return waiting;
    }
  }

  /** An admitted turn. Close it in every case; closing a ticket that got a run releases the run. */
  public final class Ticket implements AutoCloseable {
    private boolean holdsRun;
    private boolean closed;

    private Ticket() {
    }

    /**
     * Waits for a free run, first come first served, at most {@code maxWait}.
     *
     * @throws CcsException.Overloaded when none came free in time
     */
    public void await() throws InterruptedException {
      CompletableFuture<Void> turn;
      synchronized (lock) {
        if (closed || holdsRun) {
          throw new IllegalStateException("ticket already " + (closed ? "closed" : "running"));
        }
        if (running < maxRunning && line.isEmpty()) {
          running++;
          waiting--;
          holdsRun = true;
          return;
        }
        turn = new CompletableFuture<>();
        line.addLast(turn);
      }
      // Removal from the line under the lock decides between a hand-over and the deadline.
      Cancellable deadline = scheduler.schedule(maxWait, () -> {
        synchronized (lock) {
          if (line.remove(turn)) {
            turn.completeExceptionally(new CcsException.Overloaded("run_wait_timeout", "No Claude CLI run came free "
                + "within " + maxWait.toMillis() + " ms (execution.runWaitTimeout); try again shortly", RETRY_AFTER));
          }
        }
      });
      try {
        turn.get();
        holdsRun = true; // handOn counted it running
      } catch (ExecutionException e) {
        throw (CcsException.Overloaded) e.getCause();
      } catch (InterruptedException e) {
        synchronized (lock) {
          if (!line.remove(turn) && turn.isDone() && !turn.isCompletedExceptionally()) {
            // Handed a run as it was interrupted: pass the run on.
            running--;
            waiting++;
            handOn();
          }
        }
        throw e;
      } finally {
        deadline.cancel();
      }
    }

    @Override
    public void close() {
      synchronized (lock) {
        if (closed) {
          return;
        }
        closed = true;
        if (holdsRun) {
          running--;
          handOn();
        } else {
          waiting--;
        }
      }
    }
  }

  /** Called with the lock held: gives a free run to the first ticket in line, counted as running at once. */
  private void handOn() {
    if (running < maxRunning && !line.isEmpty()) {
      running++;
      waiting--;
      line.pollFirst().complete(null);
    }
  }
}
