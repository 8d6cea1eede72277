package dev.ccs.httpd.transport;

import dev.ccs.core.time.Ticker;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Time limits on blocking socket reads and writes, which the JDK's HTTP server does not have: a
 * client that stops sending its body, or stops reading its answer (a stream it no longer reads),
 * would hold its handler thread for ever. A handler arms its {@link IoWatch} around each read and
 * write; one daemon thread looks at the armed watches a few times per timeout and interrupts the
 * thread of any read or write that has blocked too long. The server's socket channels are
 * interruptible, so the interrupt closes the connection and the blocked call fails at once.
 *
 * <p>A watch is armed only around I/O, never while a handler waits for a run, so an interrupt can
 * never land on anything else; one that arrives just as the I/O completed is cleared when the
 * watch is disarmed.
 */
public final class IoWatchdog implements AutoCloseable {

  private final Set<IoWatch> watches = ConcurrentHashMap.newKeySet();
  private final Ticker ticker;
  private final long timeoutNanos;
  private final Thread thread;
  private volatile boolean closed;

  /**
   * @param timeout how long one read or write may block
   * @param ticker the time the timeout is measured in
   */
  public IoWatchdog(Duration timeout, Ticker ticker) {
    this.ticker = ticker;
    this.timeoutNanos = timeout.toNanos();
    long tick = Math.max(Duration.ofMillis(50).toNanos(), Math.min(Duration.ofSeconds(1).toNanos(), timeoutNanos / 4));
    thread = new Thread(() -> {
      while (!closed) {
        LockSupport.parkNanos(tick);
        check();
      }
    }, "ccs-http-io-watchdog");
    thread.setDaemon(true);
    thread.start();
  }

  /** A watch for the calling thread's I/O; close it when the exchange is done. */
  public IoWatch watch() {
    IoWatch watch = new IoWatch(this, Thread.currentThread());
    watches.add(watch);
    return watch;
  }

  /** Interrupts every read or write that has blocked longer than the timeout; returns how many. */
  public int check() {
    long now = ticker.read();
    int fired = 0;
    for (IoWatch watch : watches) {
      if (watch.expire(now, timeoutNanos)) {
        fired++;
      }
    }
    return fired;
  }

  long now() {
    return ticker.read();
  }

  void remove(IoWatch watch) {
    watches.remove(watch);
  }

  /** Exchanges being watched now. */
  public int size() {
    return watches.size();
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
  }
}
