import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sync request overhead and throughput of ccs with a minimal fake CLI (bench/fake-claude.sh):
 *
 *   1. spawning the fake directly from Java (write prompt, read output, wait): the baseline
 *   2. POST /api/messages against a ccs server started from the runnable jar, same fake
 *   3. the same at N concurrent clients, against N threads spawning the fake directly
 *   4. the server's resident memory, idle and at its peak
 *
 * Run: bash bench/run.sh sync   (or: java bench/SyncBench.java --jar ccs-httpd/target/ccs-httpd.jar)
 */
public class SyncBench {

  static Path fake = Path.of("bench/fake-claude.sh").toAbsolutePath();
  static int n = 400;
  static int clients = 8;
  static int seconds = 10;
  static String jar = "ccs-httpd/target/ccs-httpd.jar";
  static String jvmOpts = "-XX:+UseSerialGC -Xms8m -Xmx96m -XX:TieredStopAtLevel=1";

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--n" -> n = Integer.parseInt(args[i + 1]);
        case "--clients" -> clients = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--jar" -> jar = args[i + 1];
        case "--jvm-opts" -> jvmOpts = args[i + 1];
        default -> throw new IllegalArgumentException(args[i]);
      }
    }
    System.out.printf("machine: %d cores, java %s, process launch %s; fake CLI %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        System.getProperty("jdk.lang.Process.launchMechanism", "default"), fake);
    Path home = Files.createTempDirectory("ccs-bench");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.writeString(home.resolve("config.json"), "{\"port\":" + port + ",\"host\":\"127.0.0.1\",\"claudePath\":\""
        + fake + "\",\"logLevel\":\"warn\",\"maxBudgetUsd\":null,\"rateLimit\":{\"enabled\":false}}");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOpts.split(" ")));
    command.addAll(List.of("-jar", jar, "--config", home.resolve("config.json").toString()));
    Process server = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(home.resolve("server.log").toFile()).start();
    int baselinePort;
    try (ServerSocket socket = new ServerSocket(0)) {
      baselinePort = socket.getLocalPort();
    }
    List<String> baselineCommand = new ArrayList<>();
    baselineCommand.add(command.get(0));
    baselineCommand.add("-Djdk.lang.Process.launchMechanism=" + System.getProperty("jdk.lang.Process.launchMechanism", "POSIX_SPAWN"));
    baselineCommand.addAll(List.of(jvmOpts.split(" ")));
    baselineCommand.addAll(List.of("bench/BaselineServer.java", Integer.toString(baselinePort), fake.toString()));
    Process baselineServer = new ProcessBuilder(baselineCommand).redirectErrorStream(true)
        .redirectOutput(home.resolve("baseline.log").toFile()).start();
    try {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI base = URI.create("http://127.0.0.1:" + port);
      URI baselineBase = URI.create("http://127.0.0.1:" + baselinePort);
      awaitHealth(client, base);
      awaitHealth(client, baselineBase);
      Thread.sleep(1000);
      long idleRss = rss(server.pid(), "VmRSS");
      // Cold: the first 200 requests after start, against spawns interleaved with them.
      List<Long> coldAdded = new ArrayList<>();
      List<Long> coldHttp = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        long t = System.nanoTime();
        spawnDirect();
        long d = System.nanoTime() - t;
        t = System.nanoTime();
        post(client, base);
        long h = System.nanoTime() - t;
        coldHttp.add(h);
        coldAdded.add(h - d);
        post(client, baselineBase);
      }
      // Interleaved, so that both see the same machine: noise on a 2-core box is large.
      List<Long> direct = new ArrayList<>();
      List<Long> http = new ArrayList<>();
      List<Long> added = new ArrayList<>();
      List<Long> baseline = new ArrayList<>();
      List<Long> baselineAdded = new ArrayList<>();
      List<Long> resumed = new ArrayList<>();
      List<Long> resumedAdded = new ArrayList<>();
      String sessionId = createSession(base);
      for (int i = 0; i < 50; i++) {
        postTo(base, sessionId);
      }
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        spawnDirect();
        long d = System.nanoTime() - t;
        t = System.nanoTime();
        post(client, base);
        long h = System.nanoTime() - t;
        t = System.nanoTime();
        post(client, baselineBase);
        long b = System.nanoTime() - t;
        t = System.nanoTime();
        postTo(base, sessionId);
        long r = System.nanoTime() - t;
        direct.add(d);
        http.add(h);
        baseline.add(b);
        resumed.add(r);
        added.add(h - d);
        baselineAdded.add(b - d);
        resumedAdded.add(r - d);
      }
      double directRate = concurrent(() -> spawnDirect(), null);
      List<Long> concurrentHttp = java.util.Collections.synchronizedList(new ArrayList<>());
      double httpRate = concurrent(() -> post(client, base), concurrentHttp);
      double baselineRate = concurrent(() -> post(client, baselineBase), null);
      double health1 = health(base, 1);
      double health32 = health(base, 32);
      Thread.sleep(2000);
      long afterRss = rss(server.pid(), "VmRSS");
      long peakRss = rss(server.pid(), "VmHWM");

      System.out.printf("%nthe first 200 requests after start (cold)%n");
      System.out.printf("  POST /api/messages         p50 %6.2f ms   p99 %6.2f ms%n", pct(coldHttp, 50), pct(coldHttp, 99));
      System.out.printf("  added by ccs               p50 %6.2f ms%n", pct(coldAdded, 50));
      System.out.printf("%nsequential, %d requests each (after warm-up)%n", n);
      System.out.printf("  spawn fake directly        p50 %6.2f ms   p90 %6.2f ms%n", pct(direct, 50), pct(direct, 90));
      System.out.printf("  POST /api/messages         p50 %6.2f ms   p90 %6.2f ms%n", pct(http, 50), pct(http, 90));
      System.out.printf("  minimal JDK server         p50 %6.2f ms   p90 %6.2f ms   (bench/BaselineServer.java)%n",
          pct(baseline, 50), pct(baseline, 90));
      System.out.printf("  ... in an existing session p50 %6.2f ms   p90 %6.2f ms   (session_id given: --resume, one fsync)%n",
          pct(resumed, 50), pct(resumed, 90));
      System.out.printf("  added by ccs               p50 %6.2f ms   (median of per-pair differences; a new session each)%n",
          pct(added, 50));
      System.out.printf("  ... in an existing session p50 %6.2f ms%n", pct(resumedAdded, 50));
      System.out.printf("  added by the minimal one   p50 %6.2f ms%n", pct(baselineAdded, 50));
      System.out.printf("%n%d concurrent clients for %d s%n", clients, seconds);
      System.out.printf("  spawn fake directly        %7.0f /s%n", directRate);
      System.out.printf("  POST /api/messages         %7.0f /s  (%.0f%% of direct)%n", httpRate, 100 * httpRate / directRate);
      System.out.printf("  minimal JDK server         %7.0f /s  (%.0f%% of direct)%n", baselineRate, 100 * baselineRate / directRate);
      System.out.printf("  POST /api/messages p99     %7.2f ms%n", pct(concurrentHttp, 99));
      System.out.printf("%nGET /health on keep-alive connections for %d s%n", seconds);
      System.out.printf("  1 client                   %7.0f /s%n", health1);
      System.out.printf("  32 clients                 %7.0f /s%n", health32);
      System.out.printf("%nserver memory (JVM options: %s)%n", jvmOpts);
      System.out.printf("  RSS idle after start       %6.1f MiB%n", idleRss / 1024.0);
      System.out.printf("  RSS after the load         %6.1f MiB%n", afterRss / 1024.0);
      System.out.printf("  RSS peak (VmHWM)           %6.1f MiB%n", peakRss / 1024.0);
      // Machine-readable figures for bench/run.sh all (BENCHMARKS.md): id|label|value|unit|target.
      System.out.printf("FIGURE|sync.added.p50|sync: added by ccs, new session, p50|%.2f|ms|<= 1%n", pct(added, 50));
      System.out.printf("FIGURE|sync.resumed.added.p50|sync: added by ccs, existing session, p50|%.2f|ms|<= 1%n",
          pct(resumedAdded, 50));
      System.out.printf("FIGURE|sync.cold.added.p50|sync: added by ccs, the first 200 requests after start, p50|%.2f|ms|<= 2%n",
          pct(coldAdded, 50));
      System.out.printf("FIGURE|sync.c1.p99|sync: POST /api/messages at c=1, new session, p99|%.2f|ms|%n", pct(http, 99));
      System.out.printf("FIGURE|sync.resumed.p99|sync: POST /api/messages at c=1, existing session, p99|%.2f|ms|%n",
          pct(resumed, 99));
      System.out.printf("FIGURE|sync.c%d.rps|sync: POST /api/messages at c=%d|%.0f|req/s|%n", clients, clients, httpRate);
      System.out.printf("FIGURE|sync.c%d.p99|sync: POST /api/messages at c=%d, p99|%.1f|ms|< 50%n", clients, clients,
          pct(concurrentHttp, 99));
      System.out.printf("FIGURE|floor.java.p50|floor: spawning the fake from Java, p50|%.2f|ms|%n", pct(direct, 50));
      System.out.printf("FIGURE|floor.java.p99|floor: spawning the fake from Java, p99|%.2f|ms|%n", pct(direct, 99));
      System.out.printf("FIGURE|floor.java.c%d|floor: spawns from Java at c=%d|%.0f|/s|%n", clients, clients, directRate);
      Double python = pythonSpawnP50();
      if (python != null) {
        System.out.printf("FIGURE|floor.python.p50|floor: spawning the fake from Python (subprocess), p50|%.2f|ms|%n", python);
      }
      // The targets are twice what the Node server did on this machine (2 493 and 3 686 req/s).
      System.out.printf("FIGURE|health.c1|GET /health at c=1|%.0f|req/s|>= 4986%n", health1);
      System.out.printf("FIGURE|health.c32|GET /health at c=32|%.0f|req/s|>= 7372%n", health32);
      System.out.printf("FIGURE|sync.c%d.share|sync: c=%d throughput, share of spawning directly|%.0f|%%|>= 50%n",
          clients, clients, 100 * httpRate / directRate);
      System.out.printf("FIGURE|rss.idle|server RSS idle|%.1f|MiB|<= 64%n", idleRss / 1024.0);
      System.out.printf("FIGURE|rss.peak|server RSS peak (VmHWM)|%.1f|MiB|<= 128%n", peakRss / 1024.0);
    } finally {
      server.destroy();
      baselineServer.destroy();
      server.waitFor();
      baselineServer.waitFor();
    }
  }

  interface Action {
    void run() throws Exception;
  }

  /** GET /health as fast as {@code threads} keep-alive clients can, for the benchmark's seconds. */
  static double health(URI base, int threads) throws Exception {
    return concurrent(threads, () -> CLIENTS.get().computeIfAbsent(base.getPort(), RawClient::new).get("/health"), null);
  }

  static double concurrent(Action action, List<Long> latencies) throws Exception {
    return concurrent(clients, action, latencies);
  }

  static double concurrent(int clients, Action action, List<Long> latencies) throws Exception {
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Thread thread = new Thread(() -> {
        try {
          while (System.nanoTime() < end) {
            long t = System.nanoTime();
            action.run();
            if (latencies != null) {
              latencies.add(System.nanoTime() - t);
            }
            done.incrementAndGet();
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      threads.add(thread);
      thread.start();
    }
    long start = System.nanoTime();
    for (Thread thread : threads) {
      thread.join();
    }
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  static void spawnDirect() throws Exception {
    Process process = new ProcessBuilder(fake.toString(), "-p", "--output-format=json").start();
    try (OutputStream in = process.getOutputStream()) {
      in.write("hi".getBytes(StandardCharsets.UTF_8));
    }
    try (InputStream out = process.getInputStream()) {
      out.readAllBytes();
    }
    process.getErrorStream().readAllBytes();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("fake failed");
    }
  }

  /**
   * POST /api/messages on a plain keep-alive socket (one per thread), as curl would: what is timed
   * is the server, not a client library (java.net.http adds about 0.4 ms per exchange here).
   */
  static void post(HttpClient client, URI base) throws Exception {
    RawClient raw = CLIENTS.get().computeIfAbsent(base.getPort(), RawClient::new);
    raw.post("/api/messages", "{\"prompt\":\"hi\"}");
  }

  static void postTo(URI base, String sessionId) throws Exception {
    RawClient raw = CLIENTS.get().computeIfAbsent(base.getPort(), RawClient::new);
    raw.post("/api/messages", "{\"prompt\":\"hi\",\"session_id\":\"" + sessionId + "\"}");
  }

  static String createSession(URI base) throws Exception {
    HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/api/sessions"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"project_path\":\"bench\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(created.body());
    if (!id.find()) {
      throw new IllegalStateException(created.body());
    }
    return id.group(1);
  }

  static final ThreadLocal<java.util.Map<Integer, RawClient>> CLIENTS = ThreadLocal.withInitial(java.util.HashMap::new);

  static final class RawClient {
    private final int port;
    private java.net.Socket socket;
    private java.io.BufferedInputStream in;

    RawClient(int port) {
      this.port = port;
    }

    void get(String path) throws IOException {
      exchange(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    void post(String path, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8), bytes);
    }

    private void exchange(byte[] head, byte[] bytes) throws IOException {
      if (socket == null) {
        socket = new java.net.Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        in = new java.io.BufferedInputStream(socket.getInputStream());
      }
      socket.getOutputStream().write(head);
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      String status = line();
      int length = 0;
      String header;
      while (!(header = line()).isEmpty()) {
        if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
          length = Integer.parseInt(header.substring(15).trim());
        }
      }
      byte[] response = in.readNBytes(length);
      if (!status.contains(" 200 ")) {
        throw new IllegalStateException(status + " " + new String(response, StandardCharsets.UTF_8));
      }
    }

    private String line() throws IOException {
      StringBuilder text = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        if (c != '\r') {
          text.append((char) c);
        }
      }
      if (c < 0) {
        throw new IOException("connection closed");
      }
      return text.toString();
    }
  }

  static void awaitHealth(HttpClient client, URI base) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (client.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString())
            .statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("server did not start");
  }

  static long rss(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
      }
    }
    return -1;
  }

  /** The same spawn from a non-JVM client (Python's subprocess), p50 in ms; null without python3. */
  static Double pythonSpawnP50() {
    String script = "import subprocess,time,sys\nts=[]\nfor i in range(" + n + "):\n t=time.perf_counter()\n"
        + " subprocess.run([sys.argv[1],'-p','--output-format=json'],input=b'hi',capture_output=True,check=True)\n"
        + " ts.append(time.perf_counter()-t)\nts.sort()\nprint(ts[len(ts)//2]*1000)\n";
    try {
      Process python = new ProcessBuilder("python3", "-c", script, fake.toString()).redirectErrorStream(true).start();
      String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return python.waitFor() == 0 ? Double.parseDouble(out) : null;
    } catch (IOException | InterruptedException | NumberFormatException e) {
      return null;
    }
  }

  static double pct(List<Long> nanos, int percentile) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percentile / 100)) / 1e6;
  }
}
