package dev.ccs.httpd.log;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes log lines on a thread of its own, many at a time: a request's thread only queues its line,
 * so a log write (a system call, slow on some kernels) never adds to an answer's time; the thread
 * looks for lines every few milliseconds rather than being woken for each. When the
 * queue is full (a disk that cannot keep up), lines are dropped and counted, never waited for; the
 * count is written as soon as there is room again.
 */
final class LineWriter {

  private static final int CAPACITY = 65_536;
  private static final long BATCH_MILLIS = 20;

  private final RotatingFile file;
  private final PrintStream console;
  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread thread;
  private volatile boolean closing;

  /** @param console also written there, or null */
  LineWriter(RotatingFile file, PrintStream console) {
    this.file = file;
    this.console = console;
    this.thread = new Thread(this::run, "ccs-log-writer");
    thread.setDaemon(true);
    thread.start();
  }

  void write(String line) {
    if (!queue.offer(line)) {
      dropped.incrementAndGet();
    }
  }

  private void run() {
    List<String> batch = new ArrayList<>();
    while (!closing || !queue.isEmpty()) {
      try {
        String first = queue.poll();
        if (first == null) {
          // Woken by time, not by each line: a wake-up per request costs the request's thread a
          // system call and the machine a context switch; lines wait at most this long.
          Thread.sleep(BATCH_MILLIS);
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 4096);
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
          batch.add(java.time.Instant.now() + " WARN  log - " + lost + " log line(s) dropped: the log could not keep up");
        }
        flush(batch);
        batch.clear();
      } catch (InterruptedException e) {
        closing = true;
      }
    }
  }

  private void flush(List<String> lines) {
    String text = String.join("\n", lines);
    try {
      file.writeAll(lines);
    } catch (IOException e) {
      if (console == null) {
        System.err.println(text);
      }
    }
    if (console != null) {
      console.println(text);
    }
  }

  /** Writes what is queued, then stops. */
  void close() throws IOException {
    closing = true;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    file.close();
  }
}
