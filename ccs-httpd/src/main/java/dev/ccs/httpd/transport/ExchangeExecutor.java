package dev.ccs.httpd.transport;

import dev.ccs.core.config.HttpConfig;
import dev.ccs.core.internal.Threads;
import dev.ccs.core.time.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that run HTTP exchanges. The JDK's server hands each request to its executor and,
 * when the executor refuses it, closes the connection without a word; so this executor never
 * refuses.
 *
 * <p>On Java 21 and later every exchange gets a virtual thread: a waiting request costs a few
 * kilobytes, and the connection limit bounds how many there are. On Java 17-20 a pool of at most
 * {@code http.maxThreads} platform threads runs them; when all are busy an exchange waits in a
 * line of at most {@code http.maxQueuedRequests}, at most {@code http.queueTimeout}. An exchange
 * that waited too long, or found the line full, is still run, by a small reserve of threads, in a
 * mode ({@link #shedding()}) in which the handler answers 503 at once: the client always gets an
 * answer, and the cost of answering is small and bounded.
 */
public abstract class ExchangeExecutor implements Executor, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExchangeExecutor.class);
  private static final ThreadLocal<Boolean> SHEDDING = new ThreadLocal<>();
  /** Threads that answer 503 when the pool is saturated. */
  static final int RESERVE_THREADS = 4;
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(10);

  /** Whether the exchange running on this thread is to be answered 503 at once. */
  public static boolean shedding() {
    return Boolean.TRUE.equals(SHEDDING.get());
  }

  /** Virtual threads where the JVM has them (21+), else the bounded pool. */
  public static ExchangeExecutor create(HttpConfig config, Ticker ticker) {
    if (Threads.virtualThreadsAvailable()) {
      return new Virtual(Threads.perTaskExecutor("ccs-http", 1));
    }
    return pooled(config, ticker);
  }

  /** The bounded pool of platform threads, whatever the JVM (for tests of it on any JDK). */
  public static ExchangeExecutor pooled(HttpConfig config, Ticker ticker) {
    Pool reserve = new Pool("ccs-http-reserve", RESERVE_THREADS, Integer.MAX_VALUE, Long.MAX_VALUE, true, null,
        ticker);
    return new Pool("ccs-http", config.maxThreads(), config.maxQueuedRequests(), config.queueTimeout().toNanos(),
        false, reserve, ticker);
  }

  /** Threads running exchanges now (platform pool only; 0 for virtual threads). */
  public abstract int threads();

  @Override
  public abstract void close();

  static void runGuarded(Runnable exchange) {
    try {
      exchange.run();
    } catch (RuntimeException | Error e) {
      LOG.error("an HTTP exchange failed", e);
    }
  }

  private static final class Virtual extends ExchangeExecutor {
    private final ExecutorService threads;

    Virtual(ExecutorService threads) {
      this.threads = threads;
    }

    @Override
    public void execute(Runnable exchange) {
      threads.execute(() -> runGuarded(exchange));
    }

    @Override
    public int threads() {
      return 0;
    }

    @Override
    public void close() {
      threads.shutdownNow();
    }
  }

  /** A pool whose line is bounded in length and in waiting time, with a reserve that answers the overflow. */
  static final class Pool extends ExchangeExecutor {

    private record Queued(Runnable exchange, long since) {
    }

    private final String name;
    private final int maxThreads;
    private final int maxQueued;
    private final long queueTimeoutNanos;
    private final boolean shedAll;
    private final Pool reserve;
    private final Ticker ticker;
    private final Object lock = new Object();
    // Guarded by lock.
    private final Deque<Queued> line = new ArrayDeque<>();
    private int threads;
    private int idle;
    private boolean closed;
    private long created;

    Pool(String name, int maxThreads, int maxQueued, long queueTimeoutNanos, boolean shedAll, Pool reserve,
        Ticker ticker) {
      this.name = name;
      this.maxThreads = maxThreads;
      this.maxQueued = maxQueued;
      this.queueTimeoutNanos = queueTimeoutNanos;
      this.shedAll = shedAll;
      this.reserve = reserve;
      this.ticker = ticker;
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
          Thread thread = new Thread(() -> work(queued), name + "-" + ++created);
          thread.setDaemon(true);
          thread.start();
          return;
        }
        if (line.size() - idle < maxQueued) {
          line.addLast(queued);
          return;
        }
      }
      reserve.execute(exchange);
    }

    private void work(Queued first) {
      Queued next = first;
      while (next != null) {
        run(next);
        next = take();
      }
    }

    /** The next exchange in line, or null when none came within the keep-alive time (the thread then ends). */
    private Queued take() {
      synchronized (lock) {
        long deadline = System.nanoTime() + KEEP_ALIVE.toNanos();
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
              // Only close() interrupts an idle thread.
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
        runGuarded(queued.exchange());
      } finally {
        if (shed) {
          SHEDDING.remove();
        }
        Thread.interrupted();
      }
    }

    @Override
    public int threads() {
      synchronized (lock) {
        return threads + (reserve == null ? 0 : reserve.threads());
      }
    }

    @Override
    public void close() {
      synchronized (lock) {
        closed = true;
        lock.notifyAll();
      }
      if (reserve != null) {
        reserve.close();
      }
    }
  }
}
