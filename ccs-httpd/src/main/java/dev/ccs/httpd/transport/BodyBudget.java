package dev.ccs.httpd.transport;

/**
 * Bytes of request bodies held by the requests being handled: a request reserves its body's size
 * before reading it and returns it when its answer is sent. Without it, every handler thread (or,
 * on Java 21+, every connection) could hold a body at the body limit at once.
 */
public final class BodyBudget {

  private final long capacity;
  private long used;

  public BodyBudget(long capacity) {
    this.capacity = capacity;
  }

  /** Reserves {@code bytes}; false when they do not fit now. */
  public synchronized boolean tryReserve(long bytes) {
    if (bytes <= 0) {
      return true;
    }
    if (used + bytes > capacity) {
      return false;
    }
    used += bytes;
    return true;
  }

  public synchronized void release(long bytes) {
    if (bytes > 0) {
      used -= bytes;
    }
  }

  public synchronized long used() {
    return used;
  }

  public long capacity() {
    return capacity;
  }
}
