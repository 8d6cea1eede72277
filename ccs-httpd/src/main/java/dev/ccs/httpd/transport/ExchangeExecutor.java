package dev.ccs.httpd.transport;

import dev.ccs.core.config.HttpConfig;
import dev.ccs.core.concurrent.Threads;
import dev.ccs.core.time.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that run HTTP exchanges. The JDK's server hands each request to its executor and,
 * when the executor refuses it, closes the connection without a word; so this executor never
 * refuses.
 *
 * <p>At most {@code http.maxThreads} exchanges run at once: virtual threads on Java 21 and later
 * (a waiting request costs a few kilobytes), platform threads from a pool on Java 17-20. The bound
 * is what the JDK server's per-connection buffers and, on 17, thread stacks cost at most. When all
 * run, an exchange waits in a line of at most {@code http.maxQueuedRequests}, at most
 * {@code http.queueTimeout}; one that waited too long, or found the line full, is still run, by a
 * small reserve of threads, in a mode ({@link #shedding()}) in which the handler answers 503 at
 * once: the client always gets an answer, and answering costs little.
 */
public final class ExchangeExecutor implements Executor, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExchangeExecutor.class);
  private static final ThreadLocal<Boolean> SHEDDING = new ThreadLocal<>();
  /** Threads that answer 503 when the others are all busy. */
  static final int RESERVE_THREADS = 4;
  /** How long an idle platform thread waits for the next exchange before it ends. */
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(5);

  private record Queued(Runnable exchange, long since) {
  }

  private final String name;
  private final int maxThreads;
  private final int maxQueued;
  private final long queueTimeoutNanos;
  private final boolean shedAll;
  private final ExchangeExecutor reserve;
  private final Ticker ticker;
  /** Starts virtual threads; null for platform threads. */
  private final ExecutorService virtual;
  private final Object lock = new Object();
  // Guarded by lock.
  private final Deque<Queued> line = new ArrayDeque<>();
  private int threads;
  private int idle;
  private boolean closed;
  private long created;

  private ExchangeExecutor(String name, int maxThreads, int maxQueued, long queueTimeoutNanos, boolean shedAll,
      ExchangeExecutor reserve, Ticker ticker, ExecutorService virtual) {
    this.name = name;
    this.maxThreads = maxThreads;
    this.maxQueued = maxQueued;
    this.queueTimeoutNanos = queueTimeoutNanos;
    this.shedAll = shedAll;
    this.reserve = reserve;
    this.ticker = ticker;
    this.virtual = virtual;
    if (reserve != null) {
      // An exchange that waits in line past its time is answered (503) then, not when a thread frees.
      long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
          Math.min(TimeUnit.MILLISECONDS.toNanos(250), queueTimeoutNanos / 4));
      Thread sweeper = new Thread(() -> {
        while (!isClosed()) {
          LockSupport.parkNanos(period);
          expireWaiting();
        }
      }, name + "-line");
      sweeper.setDaemon(true);
      sweeper.start();
    }
  }

  /** Whether the exchange running on this thread is to be answered 503 at once. */
  public static boolean shedding() {
    return Boolean.TRUE.equals(SHEDDING.get());
  }

  /** Virtual threads where the JVM has them (21+), else platform threads. */
  public static ExchangeExecutor create(HttpConfig config, Ticker ticker) {
    return create(config, ticker, Threads.virtualThreadsAvailable());
  }

  /** Platform threads, whatever the JVM (the Java 17 way, for tests of it on any JDK). */
  public static ExchangeExecutor pooled(HttpConfig config, Ticker ticker) {
    return create(config, ticker, false);
  }

  private static ExchangeExecutor create(HttpConfig config, Ticker ticker, boolean useVirtual) {
    ExchangeExecutor reserve = new ExchangeExecutor("ccs-http-reserve", RESERVE_THREADS, Integer.MAX_VALUE,
        Long.MAX_VALUE, true, null, ticker, useVirtual ? Threads.perTaskExecutor("ccs-http-reserve", 1) : null);
    return new ExchangeExecutor("ccs-http", config.maxThreads(), config.maxQueuedRequests(),
        config.queueTimeout().toNanos(), false, reserve, ticker,
        useVirtual ? Threads.perTaskExecutor("ccs-http", 1) : null);
  }

  @Override
  public void execute(Runnable exchange) {
    Queued queued = new Queued(exchange, ticker.read());
    synchronized (lock) {
      if (closed) {
        throw new RejectedExecutionException("the HTTP server is stopping");
      }
      if (line.size() < idle) {
        line.addLast(queued); // an idle thread takes it
        lock.notify();
        return;
      }
      if (threads < maxThreads) {
        threads++;
        start(queued);
        return;
      }
      if (line.size() - idle < maxQueued) {
        line.addLast(queued);
        return;
      }
    }
    reserve.execute(exchange);
  }

  /** Called with the lock held. */
  private void start(Queued queued) {
    // Handed over in a holder that is emptied, so that an idle thread keeps no finished exchange
    // (and its buffers) reachable from its stack.
    AtomicReference<Queued> first = new AtomicReference<>(queued);
    if (virtual != null) {
      virtual.execute(() -> work(first));
    } else {
      Thread thread = new Thread(() -> work(first), name + "-" + ++created);
      thread.setDaemon(true);
      thread.start();
    }
  }

  private void work(AtomicReference<Queued> first) {
    Queued next = first.getAndSet(null);
    while (next != null) {
      run(next);
      next = null;
      next = take();
    }
  }

  /**
   * The next exchange in line, or null (the thread then ends): a platform thread waits for one up
   * to its keep-alive time, a virtual thread does not wait (a new one is cheaper than a kept one).
   */
  private Queued take() {
    synchronized (lock) {
      long deadline = System.nanoTime() + (virtual != null ? 0 : KEEP_ALIVE.toNanos());
      idle++;
      try {
        while (line.isEmpty() && !closed) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(lock, left);
          } catch (InterruptedException e) {
            // Only close() wakes an idle thread early.
          }
        }
        Queued next = line.pollFirst();
        if (next == null) {
          threads--;
        }
        return next;
      } finally {
        idle--;
      }
    }
  }

  private void run(Queued queued) {
    // An interrupt left over from an earlier exchange must not close this one's connection.
    Thread.interrupted();
    boolean shed = shedAll || ticker.read() - queued.since() > queueTimeoutNanos;
    if (shed) {
      SHEDDING.set(Boolean.TRUE);
    }
    try {
      queued.exchange().run();
    } catch (RuntimeException | Error e) {
      LOG.error("an HTTP exchange failed", e);
    } finally {
      if (shed) {
        SHEDDING.remove();
      }
      Thread.interrupted();
    }
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /** Hands exchanges that waited longer than the queue timeout to the reserve, which answers them 503. */
  void expireWaiting() {
    List<Queued> expired = new ArrayList<>();
    synchronized (lock) {
      long now = ticker.read();
      // The line is in arrival order: the expired ones are at its head.
      while (line.size() > idle && now - line.peekFirst().since() > queueTimeoutNanos) {
        expired.add(line.pollFirst());
      }
    }
    for (Queued queued : expired) {
      reserve.execute(queued.exchange());
    }
  }

  /** Threads running (or, on Java 17, keeping alive for) exchanges now, the reserve's included. */
  public int threads() {
    synchronized (lock) {
      return threads + (reserve == null ? 0 : reserve.threads());
    }
  }

  /** Threads waiting for an exchange. */
  int idle() {
    synchronized (lock) {
      return idle;
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    if (virtual != null) {
      virtual.shutdown();
    }
    if (reserve != null) {
      reserve.close();
    }
  }
}
