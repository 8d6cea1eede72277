package dev.ccs.httpd.transport;

/**
 * The time limit of one exchange's blocking reads and writes (see {@link IoWatchdog}). Used by the
 * exchange's own thread only: {@link #arm()} before a read or write, {@link #disarm()} after it
 * (in a {@code finally}).
 */
public final class IoWatch implements AutoCloseable {

  private final IoWatchdog watchdog;
  private final Thread thread;
  // Guarded by this.
  private long armedAt;
  private boolean armed;
  private boolean interruptPending;
  private boolean timedOut;

  IoWatch(IoWatchdog watchdog, Thread thread) {
    this.watchdog = watchdog;
    this.thread = thread;
  }

  /** Starts the clock of one read or write. */
  public synchronized void arm() {
    armedAt = watchdog.now();
    armed = true;
  }

  /**
   * Stops the clock, and clears the interrupt of a timeout: it has closed the connection if the
   * operation was still blocked, and must not close it at the next one if the operation had just
   * completed.
   */
  public void disarm() {
    boolean clear;
    synchronized (this) {
      armed = false;
      clear = interruptPending;
      interruptPending = false;
    }
    if (clear) {
      Thread.interrupted();
    }
  }

  /** Whether a read or write of this exchange timed out (its connection is then closed). */
  public synchronized boolean timedOut() {
    return timedOut;
  }

  synchronized boolean expire(long now, long timeoutNanos) {
    if (!armed || now - armedAt < timeoutNanos) {
      return false;
    }
    armed = false;
    interruptPending = true;
    timedOut = true;
    thread.interrupt();
    return true;
  }

  /** Stops watching this exchange. */
  @Override
  public void close() {
    watchdog.remove(this);
    disarm();
  }
}
