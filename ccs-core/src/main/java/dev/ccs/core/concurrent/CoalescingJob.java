package dev.ccs.core.concurrent;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job that many threads ask for and that runs once at a time on an executor: requests made while
 * it runs make it run once more when done, never lost and never piled up (one run may serve many
 * requests).
 */
public final class CoalescingJob {

  private static final Logger LOG = LoggerFactory.getLogger(CoalescingJob.class);

  private final String name;
  private final Executor executor;
  private final Runnable job;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicBoolean requestedAgain = new AtomicBoolean();

  public CoalescingJob(String name, Executor executor, Runnable job) {
    this.name = name;
    this.executor = executor;
    this.job = job;
  }

  /** Runs the job soon: at once on the executor, or after the run under way. */
  public void request() {
    requestedAgain.set(true);
    if (!scheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(this::runWhileRequested);
    } catch (RejectedExecutionException e) {
      scheduled.set(false); // shutting down
    }
  }

  private void runWhileRequested() {
    while (true) {
      while (requestedAgain.getAndSet(false)) {
        try {
          job.run();
        } catch (RuntimeException e) {
          LOG.warn("{} failed: {}", name, e.toString());
        }
      }
      scheduled.set(false);
      // A request between the last check and the line above found it scheduled: take it up.
      if (!requestedAgain.get() || !scheduled.compareAndSet(false, true)) {
        return;
      }
    }
  }
}
