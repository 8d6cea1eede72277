import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ExecutionConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.task.NewTask;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskStatus;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The task queue, embedded, with the minimal fake CLI (bench/fake-claude.sh), against the ideal:
 *
 *   1. N instant tasks at concurrency C: tasks/s, against C threads spawning the fake directly
 *   2. 200 tasks of 100 ms at concurrency C: elapsed time against the ideal, the same 200 runs on
 *      C threads spawning the fake back to back (and against the nominal 200 x 100 ms / C)
 *
 * As in the server, every task is stored durably when submitted and when it ends (its start is
 * written without a sync), and its session records the turn.
 *
 * Run: bash bench/run.sh queue [--instant N] [--tasks N] [--delay MS] [--concurrency C]
 */
public class QueueBench {

  static Path fake = Path.of("bench/fake-claude.sh").toAbsolutePath();
  static int instant = 600;
  static int tasks = 200;
  static long delayMs = 100;
  static int concurrency = 3;

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--instant" -> instant = Integer.parseInt(args[i + 1]);
        case "--tasks" -> tasks = Integer.parseInt(args[i + 1]);
        case "--delay" -> delayMs = Long.parseLong(args[i + 1]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException(args[i]);
      }
    }
    System.out.printf("machine: %d cores, java %s; fake CLI %s; concurrency %d%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), fake, concurrency);

    // Warm-up of both paths (JIT, page cache), not measured.
    direct(60, 0, concurrency);
    queue(60, 0);

    double directInstant = direct(instant, 0, concurrency);
    double queuedInstant = queue(instant, 0);
    System.out.printf("instant tasks:  direct %.0f runs/s, queue %.0f tasks/s (%.0f%% of direct); "
        + "queue cost per task %.2f ms%n", instant / directInstant, instant / queuedInstant,
        100 * directInstant / queuedInstant, (queuedInstant - directInstant) * 1000 * concurrency / instant);

    // The ideal: the same runs started by a scheduler that costs nothing (C threads spawning the
    // fake back to back), so contention between the processes themselves is in both figures.
    double ideal = direct(tasks, delayMs, concurrency);
    double elapsed = queue(tasks, delayMs);
    double nominal = tasks * delayMs / 1000.0 / concurrency;
    System.out.printf("%d tasks of %d ms: ideal %.3f s (nominal %.3f s), queue %.3f s: ratio %.3f "
        + "(%.3f against the nominal)%n", tasks, delayMs, ideal, nominal, elapsed, elapsed / ideal, elapsed / nominal);
    System.out.printf("FIGURE|queue.ratio|queue: %d tasks of %d ms at concurrency %d, time over the ideal|%.3f|x|<= 1.05%n",
        tasks, delayMs, concurrency, elapsed / ideal);
  }

  /** Seconds for {@code n} runs of the fake on {@code threads} threads, spawned directly. */
  static double direct(int n, long delay, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(pool.submit(() -> {
        ProcessBuilder builder = new ProcessBuilder(fake.toString(), "-p", "--output-format", "json");
        builder.environment().put("FAKE_DELAY_MS", Long.toString(delay));
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = builder.start();
        try (OutputStream in = p.getOutputStream()) {
          in.write("hello".getBytes(StandardCharsets.UTF_8));
        }
        try (InputStream out = p.getInputStream()) {
          out.readAllBytes();
        }
        return p.waitFor();
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return seconds;
  }

  /** Seconds from the first submission to the last completion of {@code n} queued tasks. */
  static double queue(int n, long delay) throws Exception {
    Path home = Files.createTempDirectory("ccs-queue-bench");
    CcsConfig config = CcsConfig.defaults(home).toBuilder()
        .claudePath(fake.toString())
        .taskQueue(new TaskQueueConfig(concurrency, Duration.ofMinutes(5), 0, Duration.ofSeconds(1), true))
        .execution(ExecutionConfig.DEFAULT.toBuilder().inheritEnv(false)
            .env(Map.of("FAKE_DELAY_MS", Long.toString(delay))).build())
        .build();
    try (Ccs ccs = Ccs.builder(config).environment(Map.of("PATH", System.getenv("PATH"))).build()) {
      long start = System.nanoTime();
      List<Task> submitted = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        submitted.add(ccs.tasks().submit(NewTask.of("task " + i, 5), null).task());
      }
      for (Task task : submitted) {
        Task done = ccs.tasks().completion(task.id()).get(10, TimeUnit.MINUTES);
        if (done.status() != TaskStatus.COMPLETED) {
          throw new IllegalStateException("task did not complete: " + done);
        }
      }
      return (System.nanoTime() - start) / 1e9;
    }
  }
}
