package dev.ccs.httpd;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting in tests for what another process or thread does, with a bound and a reason when it fails. */
final class Conditions {

  private Conditions() {
  }

  /** Polls {@code condition} every 50 ms until it holds; fails after {@code within}. */
  static void await(BooleanSupplier condition, Duration within) throws InterruptedException {
    await(condition, within, () -> "");
  }

  /** As {@link #await(BooleanSupplier, Duration)}; {@code context} (a server's log, say) goes into the failure. */
  static void await(BooleanSupplier condition, Duration within, Supplier<String> context) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        String more = context.get();
        throw new AssertionError("condition not met within " + within.toSeconds() + " s"
            + (more.isEmpty() ? "" : ":\n" + more));
      }
      Thread.sleep(50);
    }
  }
}
