package dev.ccs.core;

import dev.ccs.core.session.SessionManager;
import dev.ccs.core.task.TaskQueue;
import dev.ccs.core.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what {@code sessionRetentionDays} and the {@code limits.maxStored*} bounds say is too
 * old or too much: at start, then hourly, on the jobs executor (never on the scheduler's thread).
 */
final class Retention {

  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
  private static final Duration INTERVAL = Duration.ofHours(1);

  private final IntSupplier retentionDays;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Executor jobs;
  private final SessionManager sessions;
  private final TaskQueue tasks;
  private final BooleanSupplier closed;

  /** @param retentionDays read at each pass, so that a reload applies */
  Retention(IntSupplier retentionDays, Clock clock, Scheduler scheduler, Executor jobs, SessionManager sessions,
      TaskQueue tasks, BooleanSupplier closed) {
    this.retentionDays = retentionDays;
    this.clock = clock;
    this.scheduler = scheduler;
    this.jobs = jobs;
    this.sessions = sessions;
    this.tasks = tasks;
    this.closed = closed;
  }

  /** One pass now (on the jobs executor), then one every hour until closed. */
  void start() {
    jobs.execute(this::purgeAndReschedule);
  }

  private void purgeAndReschedule() {
    if (closed.getAsBoolean()) {
      return;
    }
    try {
      int days = retentionDays.getAsInt();
      if (days > 0) {
        // One age for all records: sessions unused, tasks and webhook deliveries finished, before it.
        Instant cutoff = clock.instant().minus(Duration.ofDays(days));
        sessions.purgeOlderThan(cutoff);
        tasks.purgeOlderThan(cutoff);
      }
      // Bounds lowered since the last start, or a removal the disk lost in a crash.
      sessions.trimToLimits();
      tasks.trimToLimits();
    } catch (RuntimeException e) {
      LOG.warn("retention failed: {}", e.toString());
    }
    scheduler.schedule(INTERVAL, () -> {
      if (!closed.getAsBoolean()) {
        jobs.execute(this::purgeAndReschedule);
      }
    });
  }
}
