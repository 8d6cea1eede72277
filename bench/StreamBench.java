import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a line the CLI prints takes to reach an SSE client of ccs, against reading it from the
 * CLI's stdout directly. The fake (bench/stream-fake.py) stamps each line with the wall-clock time
 * it was written; the client compares on arrival (same machine, same clock).
 *
 * Run: bash bench/run.sh stream
 */
public class StreamBench {

  static final Pattern STAMP = Pattern.compile("\"t\": ?(\\d+)");

  public static void main(String[] args) throws Exception {
    String jar = args.length > 0 ? args[0] : "ccs-httpd/target/ccs-httpd.jar";
    int turns = 15;
    Path fake = Path.of("bench/stream-fake.py").toAbsolutePath();
    List<Long> direct = new ArrayList<>();
    List<Long> directFirstContent = new ArrayList<>();
    for (int i = 0; i < turns; i++) {
      long started = System.nanoTime();
      Process process = new ProcessBuilder(fake.toString(), "-p").start();
      try (OutputStream in = process.getOutputStream()) {
        in.write("go".getBytes());
      }
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line;
      boolean content = false;
      while ((line = out.readLine()) != null) {
        if (!content && line.contains("chunk 0")) {
          content = true;
          directFirstContent.add(System.nanoTime() - started);
        }
        record(line, direct);
      }
      process.waitFor();
    }

    Path home = Files.createTempDirectory("ccs-stream-bench");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.writeString(home.resolve("config.json"), "{\"port\":" + port + ",\"claudePath\":\"" + fake
        + "\",\"logLevel\":\"warn\",\"maxBudgetUsd\":null}");
    Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-Xms8m", "-Xmx96m", "-XX:TieredStopAtLevel=1", "-jar", jar, "--config",
        home.resolve("config.json").toString()).redirectErrorStream(true).redirectOutput(home.resolve("log").toFile()).start();
    List<Long> sse = new ArrayList<>();
    List<Long> headers = new ArrayList<>();
    List<Long> firstEvent = new ArrayList<>();
    List<Long> firstContent = new ArrayList<>();
    try {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI base = URI.create("http://127.0.0.1:" + port);
      String session = null;
      for (int i = 0; i < 600 && session == null; i++) {
        try {
          HttpResponse<String> created = client.send(HttpRequest.newBuilder(base.resolve("/api/sessions"))
              .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"project_path\":\"b\"}"))
              .build(), HttpResponse.BodyHandlers.ofString());
          Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(created.body());
          session = id.find() ? id.group(1) : null;
        } catch (java.io.IOException e) {
          Thread.sleep(100);
        }
      }
      for (int i = 0; i < turns + 2; i++) {
        // A plain socket, as curl would be: what is measured is the server, not a client library.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
          socket.setTcpNoDelay(true);
          String body = "{\"prompt\":\"go\"}";
          long started = System.nanoTime();
          boolean measured = i >= 2; // two warm-up turns
          socket.getOutputStream().write(("POST /api/sessions/" + session + "/continue/stream HTTP/1.1\r\n"
              + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
              + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
          socket.getOutputStream().flush();
          BufferedReader events = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
          String line;
          boolean event = false;
          boolean content = false;
          while ((line = events.readLine()) != null) {
            long at = System.nanoTime() - started;
            if (measured && line.startsWith("HTTP/1.1 ")) {
              headers.add(at);
            }
            if (measured && line.startsWith("data: ") && !event) {
              event = true;
              firstEvent.add(at);
            }
            if (measured && line.startsWith("data: ") && !content && line.contains("chunk 0")) {
              content = true;
              firstContent.add(at);
            }
            if (line.startsWith("data: ") && measured) {
              record(line, sse);
            }
            if (line.startsWith("event: done")) {
              break;
            }
          }
        }
      }
    } finally {
      server.destroy();
      server.waitFor();
    }
    System.out.printf("lines from the CLI to the reader, %d turns of 21 lines%n", turns);
    System.out.printf("  read from stdout directly   p50 %7.3f ms   p90 %7.3f ms%n", pct(direct, 50), pct(direct, 90));
    System.out.printf("  SSE client of ccs           p50 %7.3f ms   p90 %7.3f ms%n", pct(sse, 50), pct(sse, 90));
    System.out.printf("  added by ccs (p50)          %7.3f ms%n", pct(sse, 50) - pct(direct, 50));
    System.out.printf("from the request (or the spawn) to the first assistant line, %d turns; the CLI waits %d ms before it%n",
        turns, 20);
    System.out.printf("  spawn, first content line   p50 %7.3f ms%n", pct(directFirstContent, 50));
    System.out.printf("  SSE: response headers       p50 %7.3f ms%n", pct(headers, 50));
    System.out.printf("  SSE: first event            p50 %7.3f ms%n", pct(firstEvent, 50));
    System.out.printf("  SSE: first content          p50 %7.3f ms%n", pct(firstContent, 50));
    System.out.printf("FIGURE|stream.headers.p50|stream: request to SSE response headers, p50|%.3f|ms|%n", pct(headers, 50));
    System.out.printf("FIGURE|stream.first.event.p50|stream: request to the first SSE event, p50|%.3f|ms|%n",
        pct(firstEvent, 50));
    // No figure compares the first content with a bare spawn's: both include the Python fake's start-up,
    // which varies by tens of milliseconds here, so their difference says nothing at 1 ms. What ccs adds
    // is the setup of a turn (the sync profile's phases) and the delivery of each line (below).
    System.out.printf("FIGURE|stream.first.content.p50|stream: request to the first content over SSE (fake's start-up "
        + "and 20 ms wait included), p50|%.3f|ms|%n", pct(firstContent, 50));
    System.out.printf("FIGURE|stream.line.added.p50|stream: a CLI line to an SSE client, added over reading stdout, p50|%.3f|ms|<= 1%n",
        pct(sse, 50) - pct(direct, 50));
  }

  static void record(String line, List<Long> latencies) {
    Instant now = Instant.now();
    Matcher stamp = STAMP.matcher(line);
    if (stamp.find()) {
      long printed = Long.parseLong(stamp.group(1));
      long arrived = now.getEpochSecond() * 1_000_000_000L + now.getNano();
      latencies.add(arrived - printed);
    }
  }

  static double pct(List<Long> values, int percentile) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percentile / 100)) / 1e6;
  }
}
