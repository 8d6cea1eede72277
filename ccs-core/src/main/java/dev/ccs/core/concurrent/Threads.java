package dev.ccs.core.concurrent;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread creation for ccs. On Java 21+ blocking work (reading a child's pipes, an HTTP exchange
 * that waits for a run) goes on virtual threads, looked up reflectively so the code still compiles
 * and runs on Java 17, where a cached pool of daemon platform threads is used instead.
 */
public final class Threads {

  private static final MethodHandle NEW_VIRTUAL_EXECUTOR = lookupVirtualExecutor();

  private Threads() {
  }

  /** True when this JVM offers virtual threads (Java 21 and later). */
  public static boolean virtualThreadsAvailable() {
    return NEW_VIRTUAL_EXECUTOR != null;
  }

  /**
   * An executor that starts one thread per task: virtual threads where available, else daemon
   * platform threads from a pool of at most {@code maxPlatformThreads} (tasks beyond that are
   * rejected rather than queued, so a caller learns at once that it is overloaded).
   */
  public static ExecutorService perTaskExecutor(String name, int maxPlatformThreads) {
    if (NEW_VIRTUAL_EXECUTOR != null) {
      try {
        return (ExecutorService) NEW_VIRTUAL_EXECUTOR.invoke();
      } catch (Throwable e) {
        throw new IllegalStateException("cannot create a virtual-thread executor", e);
      }
    }
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, maxPlatformThreads, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), daemonFactory(name));
    return pool;
  }

  /** A factory of named daemon platform threads: {@code name-1}, {@code name-2}, ... */
  public static ThreadFactory daemonFactory(String name) {
    AtomicLong counter = new AtomicLong();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static MethodHandle lookupVirtualExecutor() {
    try {
      return MethodHandles.publicLookup().findStatic(java.util.concurrent.Executors.class,
          "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }
}
