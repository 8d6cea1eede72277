package dev.ccs.core.time;

/** A source of elapsed time in nanoseconds, for durations and deadlines (never wall-clock time). */
@FunctionalInterface
public interface Ticker {

  /** Nanoseconds since an arbitrary origin; only differences between two reads mean anything. */
  long read();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }
}
