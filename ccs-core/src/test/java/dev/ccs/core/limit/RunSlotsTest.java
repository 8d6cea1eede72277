package dev.ccs.core.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccs.core.error.CcsException;
import dev.ccs.core.testing.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Waits are on the manual scheduler: a timeout happens when the test advances time, never by sleeping. */
@Timeout(30)
class RunSlotsTest {

  private final ManualScheduler scheduler = new ManualScheduler();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void tearDown() {
    threads.shutdownNow();
  }

  @Test
  void admitsRunningAndWaitingTurnsUpToTheirBoundsThenRefusesAtOnce() throws Exception {
    RunSlots slots = new RunSlots(2, 1, Duration.ofSeconds(30), scheduler);
    RunSlots.Ticket a = slots.admit();
    RunSlots.Ticket b = slots.admit();
    RunSlots.Ticket c = slots.admit();
    a.await();
    b.await();
    assertThat(slots.running()).isEqualTo(2);
    assertThat(slots.waiting()).isEqualTo(1);

    assertThatThrownBy(slots::admit).isInstanceOfSatisfying(CcsException.Overloaded.class, e -> {
      assertThat(e.code()).isEqualTo("run_capacity");
      assertThat(e.retryAfter()).isPositive();
      assertThat(e.getMessage()).contains("execution.maxConcurrentRuns");
    });

    a.close();
    c.await(); // the freed run
    assertThat(slots.running()).isEqualTo(2);
    assertThat(slots.waiting()).isZero();
    b.close();
    c.close();
    assertThat(slots.running()).isZero();
    slots.admit().close(); // room again
  }

  @Test
  void waitersGetFreedRunsInArrivalOrder() throws Exception {
    RunSlots slots = new RunSlots(1, 10, Duration.ofSeconds(30), scheduler);
    RunSlots.Ticket holder = slots.admit();
    holder.await();
    List<Integer> order = new CopyOnWriteArrayList<>();
    List<CompletableFuture<Void>> done = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      RunSlots.Ticket ticket = slots.admit();
      done.add(CompletableFuture.runAsync(() -> {
        try (ticket) {
          ticket.await();
          order.add(n);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }, threads));
      // Each waiter joins the line before the next is admitted.
      awaitWaitingInLine(slots, i + 1);
    }
    holder.close();
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertThat(order).containsExactly(0, 1, 2, 3, 4);
    assertThat(slots.running()).isZero();
    assertThat(slots.waiting()).isZero();
  }

  @Test
  void aTurnThatWaitsLongerThanTheLimitIsRefusedAndLeavesTheLine() throws Exception {
    RunSlots slots = new RunSlots(1, 5, Duration.ofSeconds(30), scheduler);
    RunSlots.Ticket holder = slots.admit();
    holder.await();
    RunSlots.Ticket late = slots.admit();
    CompletableFuture<Throwable> refusal = CompletableFuture.supplyAsync(() -> {
      try (late) {
        late.await();
        return null;
      } catch (Throwable e) {
        return e;
      }
    }, threads);
    awaitWaitingInLine(slots, 1);

    scheduler.advance(Duration.ofSeconds(29));
    assertThat(refusal).isNotDone();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(refusal.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(CcsException.Overloaded.class,
        e -> assertThat(e.code()).isEqualTo("run_wait_timeout"));
    awaitCounts(slots, 1, 0);

    // The run it did not get goes to the next turn, not to nobody.
    RunSlots.Ticket next = slots.admit();
    CompletableFuture<Void> got = CompletableFuture.runAsync(() -> {
      try {
        next.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, threads);
    holder.close();
    got.get(10, TimeUnit.SECONDS);
    assertThat(slots.running()).isEqualTo(1);
    next.close();
    assertThat(slots.running()).isZero();
  }

  @Test
  void anInterruptedWaiterLeavesTheLine() throws Exception {
    RunSlots slots = new RunSlots(1, 5, Duration.ofSeconds(30), scheduler);
    RunSlots.Ticket holder = slots.admit();
    holder.await();
    RunSlots.Ticket waiter = slots.admit();
    Thread thread = new Thread(() -> {
      try (waiter) {
        waiter.await();
      } catch (InterruptedException e) {
        // expected
      }
    });
    thread.start();
    awaitWaitingInLine(slots, 1);
    thread.interrupt();
    thread.join(10_000);
    awaitCounts(slots, 1, 0);
    holder.close();
    assertThat(slots.running()).isZero();
  }

  /** Waits until {@code n} tickets are waiting (admitted, not running), on the test's own threads. */
  private static void awaitWaitingInLine(RunSlots slots, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (slots.lineLength() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("line stayed at " + slots.lineLength());
      }
      Thread.sleep(1);
    }
  }

  private static void awaitCounts(RunSlots slots, int running, int waiting) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (slots.running() != running || slots.waiting() != waiting) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("running " + slots.running() + ", waiting " + slots.waiting());
      }
      Thread.sleep(1);
    }
  }
}
