import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap ccs needs when every bound is reached at once, to choose the recommended -Xmx from a
 * measurement: the server (runnable jar, the README's JVM flags) is driven at the same time with
 * synchronous requests carrying ~400 kB prompts (the bodies in flight reach http.maxBodyBytesInFlight),
 * streamed turns that print more than a stream keeps (every running stream buffer full, finished
 * ones filling streaming.maxRetainedBytes), queued tasks with 100 kB prompts until the queue is full
 * (taskQueue.maxPending), listings of a thousand of those tasks, and slow clients holding connections.
 * Before that, the stores are filled to their bounds: limits.maxStoredSessions sessions holding
 * limits.maxStoredMetadataBytes of metadata, and limits.maxStoredTasks finished tasks.
 * A full collection every few seconds measures what is alive; the largest is the worst case.
 *
 * Run: bash bench/run.sh heap [--seconds 60] [--jvm-opts "..."] [--no-fill]
 */
public class HeapBench {

  static Path fake = Path.of("bench/heap-fake.sh").toAbsolutePath();
  static String jar = "ccs-httpd/target/ccs-httpd.jar";
  static int seconds = 60;
  static boolean fill = true;
  static String jvmOpts;
  static final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--jvm-opts" -> jvmOpts = args[i + 1];
        case "--jar" -> jar = args[i + 1];
        case "--no-fill" -> {
          fill = false;
          i--;
        }
        default -> throw new IllegalArgumentException(args[i]);
      }
    }
    if (jvmOpts == null) {
      Matcher m = Pattern.compile("java ((?:-\\S+ )+)-jar ccs-httpd/target/ccs-httpd\\.jar")
          .matcher(Files.readString(Path.of("README.md")));
      if (!m.find()) {
        throw new IllegalStateException("no run command in README.md");
      }
      jvmOpts = m.group(1).trim();
    }
    Path home = Files.createTempDirectory("ccs-heap-bench");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.writeString(home.resolve("config.json"), "{\"port\":" + port + ",\"host\":\"127.0.0.1\",\"claudePath\":\""
        + fake + "\",\"logLevel\":\"warn\",\"maxBudgetUsd\":null,\"taskQueue\":{\"defaultTimeout\":600000},"
        // The rate limiter (100 requests a minute by default) would hold the fill for hours; the
        // bounds measured here are the HTTP server's and the stores'.
        + "\"rateLimit\":{\"enabled\":false},"
        + "\"workspacePath\":\"" + home.resolve("ws") + "\",\"dataDir\":\"" + home.resolve("data") + "\"}");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOpts.split(" +")));
    command.add("-Xlog:gc:file=" + home.resolve("gc.log"));
    command.addAll(List.of("-jar", jar, "--config", home.resolve("config.json").toString()));
    System.out.printf("server: %s%nJVM flags: %s, %d s at every bound at once%n", jar, jvmOpts, seconds);
    Process server = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(home.resolve("server.log").toFile()).start();
    try {
      awaitHealth(port);
      long pid = server.pid();
      if (fill) {
        long started = System.nanoTime();
        fillStores(port);
        fullGc(pid);
        System.out.printf("stores filled to their bounds in %d s: live heap %d MiB%n",
            (System.nanoTime() - started) / 1_000_000_000L, liveAfterGc(home.resolve("gc.log"))[0]);
        counts.clear();
      }
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      String bigPrompt = "p".repeat(400 * 1024);
      String taskPrompt = "t".repeat(100 * 1024);
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        threads.add(loop("sync", end, () -> post(port, "/api/messages", "{\"prompt\":\"wait:2000 " + bigPrompt + "\"}")));
      }
      for (int i = 0; i < 24; i++) {
        threads.add(loop("stream", end, new Runnable() {
          String session;
          public void run() {
            if (session == null) {
              String created = post(port, "/api/sessions", "{\"project_path\":\"bench\"}");
              Matcher m = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(created);
              session = m.find() ? m.group(1) : null;
              return;
            }
            post(port, "/api/sessions/" + session + "/continue/stream", "{\"prompt\":\"wait:300 out:600\"}");
          }
        }));
      }
      for (int i = 0; i < 4; i++) {
        threads.add(loop("task", end, () -> post(port, "/api/async/messages", "{\"prompt\":\"wait:3000 " + taskPrompt
            + "\"}")));
      }
      for (int i = 0; i < 4; i++) {
        threads.add(loop("list", end, () -> {
          get(port, "/api/tasks?limit=1000");
          get(port, "/api/sessions?limit=1000");
        }));
      }
      List<Socket> slow = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port));
        s.getOutputStream().write("POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{".getBytes());
        slow.add(s);
      }
      threads.forEach(Thread::start);
      while (System.nanoTime() < end) {
        Thread.sleep(5_000);
        fullGc(pid);
      }
      for (Thread t : threads) {
        t.join();
      }
      for (Socket s : slow) {
        s.close();
      }
      long peakRss = status(pid, "VmHWM");
      long[] heap = liveAfterGc(home.resolve("gc.log"));
      long live = heap[0];
      long max = heap[1];
      boolean oom = Files.readString(home.resolve("server.log")).contains("OutOfMemoryError");
      System.out.printf("answers: %s%n", new TreeMap<>(counts));
      System.out.printf("largest live heap (after a full collection): %d MiB of %d MiB committed; peak RSS %d MiB; "
          + "OutOfMemoryError: %s; server alive: %s%n", live, max, peakRss / 1024, oom, server.isAlive());
      System.out.printf("FIGURE|heap.live|every store at its bound: largest live heap after a full collection|%d|MiB|%n", live);
      System.out.printf("FIGURE|heap.rss|every store at its bound: peak RSS|%d|MiB|<= 128%n", peakRss / 1024);
      System.out.printf("FIGURE|heap.oom|every store at its bound: OutOfMemoryError (0 = none)|%d||<= 0%n", oom ? 1 : 0);
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  static void fullGc(long pid) throws Exception {
    new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  /** The largest heap after a full collection in the GC log, and the largest committed, in MiB. */
  static long[] liveAfterGc(Path gcLog) throws IOException {
    long live = 0;
    long max = 0;
    Matcher m = Pattern.compile("Pause Full.*->(\\d+)M\\((\\d+)M\\)").matcher(Files.readString(gcLog));
    while (m.find()) {
      live = Math.max(live, Long.parseLong(m.group(1)));
      max = Math.max(max, Long.parseLong(m.group(2)));
    }
    return new long[] {live, max};
  }

  /**
   * Sessions up to limits.maxStoredSessions (10 000), the first with 4 kB of metadata each past
   * limits.maxStoredMetadataBytes (4 MiB), and finished tasks past limits.maxStoredTasks (10 000):
   * the server removes the oldest beyond each bound, so what stays is what the bounds allow.
   */
  static void fillStores(int port) throws Exception {
    String blob = "m".repeat(4000);
    List<Thread> fillers = new ArrayList<>();
    AtomicInteger next = new AtomicInteger();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        int i;
        while ((i = next.getAndIncrement()) < 21_000) {
          String path = i < 10_500 ? "/api/sessions" : "/api/async/messages";
          String json = i < 10_500 ? "{\"project_path\":\"bench\",\"metadata\":{\"n\":" + i + ",\"blob\":\""
              + (i < 1_100 ? blob : "") + "\"}}" : "{\"prompt\":\"fill " + i + "\"}";
          while (true) {
            String answer = post(port, path, json);
            if (!answer.startsWith("HTTP/1.1 503") && !answer.startsWith("HTTP/1.1 429")) {
              break;
            }
          }
        }
      });
      thread.start();
      fillers.add(thread);
    }
    for (Thread thread : fillers) {
      thread.join();
    }
    while (!get(port, "/api/tasks/queue/status").matches("(?s).*\"pending\":0\\b.*\"processing\":0\\b.*")) {
      Thread.sleep(500);
    }
  }

  static Thread loop(String name, long end, Runnable body) {
    Thread thread = new Thread(() -> {
      while (System.nanoTime() < end) {
        try {
          body.run();
        } catch (RuntimeException e) {
          counts.computeIfAbsent(name + " " + e.getMessage(), k -> new AtomicLong()).incrementAndGet();
          sleep(100);
        }
      }
    });
    thread.setDaemon(true);
    thread.setName(name);
    return thread;
  }

  static String post(int port, String path, String json) {
    return exchange(port, "POST " + path, json, path.startsWith("/api/sessions/") ? "stream" : path);
  }

  static String get(int port, String path) {
    return exchange(port, "GET " + path, null, path.substring(0, path.indexOf('?') < 0 ? path.length() : path.indexOf('?')));
  }

  /** One request on a new connection; the answer is read to its end and counted by status. */
  static String exchange(int port, String requestLine, String json, String label) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      socket.setSoTimeout(120_000);
      byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
      OutputStream out = socket.getOutputStream();
      out.write((requestLine + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
          + (json == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n") + "\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buffer = new byte[65536];
      int n;
      int kept = 0;
      while ((n = in.read(buffer)) > 0) {
        if (kept < 4096) {
          answer.write(buffer, 0, Math.min(n, 4096 - kept));
          kept += n;
        }
      }
      String text = answer.toString(StandardCharsets.ISO_8859_1);
      String status = text.length() > 12 ? text.substring(9, 12) : "none";
      counts.computeIfAbsent(label + " " + status, k -> new AtomicLong()).incrementAndGet();
      if (status.equals("503") || status.equals("429")) {
        sleep(200);
      }
      return text;
    } catch (IOException e) {
      throw new RuntimeException(e.getClass().getSimpleName());
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static long status(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
      }
    }
    return -1;
  }

  static void awaitHealth(int port) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        if (get(port, "/health").contains(" 200 ")) {
          counts.clear();
          return;
        }
      } catch (RuntimeException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("the server did not start");
  }
}
