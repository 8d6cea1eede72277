package dev.ccs.testkit;

import dev.ccs.core.process.LaunchedProcess;
import dev.ccs.core.process.ProcessLauncher;
import dev.ccs.core.process.ProcessSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real launcher with a fault injected into the JVM's side of each run, as an exhausted heap
 * injects them: the thread reading the CLI's output fails with an {@link Error}, or the JVM never
 * learns that the process exited (its reaper thread died). The processes are real.
 */
public final class FaultyLauncher implements ProcessLauncher {

  /** What goes wrong. */
  public enum Fault {
    /** The first read of the CLI's output throws {@link OutOfMemoryError}. */
    READER_FAILS,
    /** Waiting for the process's exit never sees it. */
    EXIT_NEVER_SEEN
  }

  private final Fault fault;
  private final AtomicInteger launched = new AtomicInteger();

  public FaultyLauncher(Fault fault) {
    this.fault = fault;
  }

  public int launched() {
    return launched.get();
  }

  @Override
  public LaunchedProcess launch(ProcessSpec spec) throws IOException {
    LaunchedProcess real = ProcessLauncher.system().launch(spec);
    launched.incrementAndGet();
    return new LaunchedProcess() {
      @Override
      public long pid() {
        return real.pid();
      }

      @Override
      public OutputStream stdin() {
        return real.stdin();
      }

      @Override
      public InputStream stdout() {
        if (fault != Fault.READER_FAILS) {
          return real.stdout();
        }
        return new InputStream() {
          @Override
          public int read() {
            throw new OutOfMemoryError("injected: Java heap space");
          }
        };
      }

      @Override
      public InputStream stderr() {
        return real.stderr();
      }

      @Override
      public OptionalInt waitFor(Duration timeout) {
        if (fault != Fault.EXIT_NEVER_SEEN) {
          return real.waitFor(timeout);
        }
        try {
          Thread.sleep(timeout.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return OptionalInt.empty();
      }

      @Override
      public boolean isAlive() {
        return fault == Fault.EXIT_NEVER_SEEN || real.isAlive();
      }

      @Override
      public int signalTree(boolean force) {
        return real.signalTree(force);
      }

      @Override
      public List<ProcessHandle> survivors() {
        return real.survivors();
      }

      @Override
      public boolean mayHaveSurvivors() {
        return real.mayHaveSurvivors();
      }
    };
  }
}
