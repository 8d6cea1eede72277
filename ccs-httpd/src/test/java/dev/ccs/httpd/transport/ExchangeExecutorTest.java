package dev.ccs.httpd.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.config.HttpConfig;
import dev.ccs.core.testing.ManualScheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Java 17 pool, on a manual ticker: the time an exchange waits is what the test says. */
@Timeout(30)
class ExchangeExecutorTest {

  private final ManualScheduler time = new ManualScheduler();

  private ExchangeExecutor pool(int threads, int queued, Duration queueTimeout) {
    return ExchangeExecutor.pooled(HttpConfig.DEFAULT.toBuilder().maxThreads(threads).maxQueuedRequests(queued)
        .queueTimeout(queueTimeout).build(), time);
  }

  /** Runs on the pool and reports whether it ran in shedding mode. */
  private static CompletableFuture<Boolean> submit(ExchangeExecutor pool, CountDownLatch hold) {
    CompletableFuture<Boolean> shed = new CompletableFuture<>();
    pool.execute(() -> {
      shed.complete(ExchangeExecutor.shedding());
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    return shed;
  }

  @Test
  void aSaturatedPoolStillRunsEveryExchangeAndTheOverflowIsToldToShed() throws Exception {
    try (ExchangeExecutor pool = pool(2, 1, Duration.ofSeconds(10))) {
      CountDownLatch hold = new CountDownLatch(1);
      CompletableFuture<Boolean> first = submit(pool, hold);
      CompletableFuture<Boolean> second = submit(pool, hold);
      assertThat(first.get(5, TimeUnit.SECONDS)).isFalse();
      assertThat(second.get(5, TimeUnit.SECONDS)).isFalse();
      CompletableFuture<Boolean> queued = submit(pool, new CountDownLatch(0));
      // The line is full: the next one goes to the reserve at once, which answers it 503.
      CompletableFuture<Boolean> overflow = submit(pool, new CountDownLatch(0));
      assertThat(overflow.get(5, TimeUnit.SECONDS)).isTrue();
      assertThat(queued).isNotDone();

      hold.countDown();
      assertThat(queued.get(5, TimeUnit.SECONDS)).as("waited less than the queue timeout").isFalse();
    }
  }

  @Test
  void anExchangeThatWaitsPastTheQueueTimeoutIsAnsweredThenNotWhenAThreadFrees() throws Exception {
    try (ExchangeExecutor pool = pool(2, 5, Duration.ofMillis(500))) {
      CountDownLatch hold = new CountDownLatch(1);
      assertThat(submit(pool, hold).get(5, TimeUnit.SECONDS)).isFalse();
      assertThat(submit(pool, hold).get(5, TimeUnit.SECONDS)).isFalse();
      CompletableFuture<Boolean> waiting = submit(pool, new CountDownLatch(0));
      Thread.sleep(100); // the sweeper runs, finds nothing expired on the manual clock
      assertThat(waiting).isNotDone();

      time.advance(Duration.ofMillis(501));
      assertThat(waiting.get(5, TimeUnit.SECONDS)).as("shed by the reserve while the threads are busy").isTrue();
      assertThat(hold.getCount()).isEqualTo(1);
      hold.countDown();
    }
  }

  @Test
  void anInterruptLeftByOneExchangeDoesNotReachTheNext() throws Exception {
    try (ExchangeExecutor pool = pool(2, 5, Duration.ofSeconds(10))) {
      // One after the other: the second runs on the thread the first left idle.
      CompletableFuture<Void> first = new CompletableFuture<>();
      pool.execute(() -> {
        Thread.currentThread().interrupt();
        first.complete(null);
      });
      first.get(5, TimeUnit.SECONDS);
      while (pool.idle() == 0) {
        Thread.sleep(1);
      }
      CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
      pool.execute(() -> interrupted.complete(Thread.currentThread().isInterrupted()));
      assertThat(interrupted.get(5, TimeUnit.SECONDS)).isFalse();
      assertThat(pool.threads()).as("the same thread ran both").isEqualTo(1);
    }
  }
}
