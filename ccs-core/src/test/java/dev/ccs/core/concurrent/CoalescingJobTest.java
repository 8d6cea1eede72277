package dev.ccs.core.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CoalescingJobTest {

  @Test
  void requestsWhileScheduledShareOneRun() {
    Queue<Runnable> executor = new ArrayDeque<>();
    AtomicInteger runs = new AtomicInteger();
    CoalescingJob job = new CoalescingJob("test", executor::add, runs::incrementAndGet);

    job.request();
    job.request();
    job.request();

    assertThat(executor).hasSize(1);
    executor.poll().run();
    assertThat(runs).hasValue(1);
    job.request();
    assertThat(executor).hasSize(1);
  }

  @Test
  void aRequestDuringARunMakesItRunOnceMoreAndNoMore() {
    Queue<Runnable> executor = new ArrayDeque<>();
    AtomicInteger runs = new AtomicInteger();
    CoalescingJob[] job = new CoalescingJob[1];
    job[0] = new CoalescingJob("test", executor::add, () -> {
      if (runs.incrementAndGet() == 1) {
        job[0].request(); // arrives while it runs
        job[0].request();
      }
    });

    job[0].request();
    executor.poll().run();

    assertThat(runs).hasValue(2);
    assertThat(executor).isEmpty();
  }

  @Test
  void aFailingRunIsLoggedAndTheNextRequestRunsAgain() {
    AtomicInteger runs = new AtomicInteger();
    CoalescingJob job = new CoalescingJob("test", Runnable::run, () -> {
      runs.incrementAndGet();
      throw new IllegalStateException("boom");
    });

    job.request();
    job.request();

    assertThat(runs).hasValue(2);
  }

  @Test
  void underConcurrentRequestsNoneIsLost() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicInteger requested = new AtomicInteger();
    AtomicInteger seen = new AtomicInteger();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    CoalescingJob job = new CoalescingJob("test", pool, () -> {
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      seen.set(requested.get());
      concurrent.decrementAndGet();
    });
    int threads = 4;
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          requested.incrementAndGet();
          job.request();
        }
        done.countDown();
      }).start();
    }
    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    // Every request is followed by a run that starts after it: the last run saw them all.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seen.get() != threads * 10_000 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    pool.shutdown();
    assertThat(seen).hasValue(threads * 10_000);
    assertThat(maxConcurrent).hasValue(1);
  }
}
