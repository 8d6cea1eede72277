import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the time of a sync request goes: the server (runnable jar, the README's JVM flags, fake CLI)
 * runs under JDK Flight Recorder while one client sends POST /api/messages in sequence; the
 * recording's {@code dev.ccs.Phase} events give each stage's median, and its execution samples the
 * methods the server's CPU time is spent in. Prints PHASE lines for BENCHMARKS.md.
 *
 * Run: bash bench/run.sh profile   [--n 1500] [--warmup 500] [--session new|existing]
 */
public class ProfileSync {

  static Path fake = Path.of("bench/fake-claude.sh").toAbsolutePath();
  static String jar = "ccs-httpd/target/ccs-httpd.jar";
  static String jvmOpts = "-XX:+UseSerialGC -Xms8m -Xmx96m -XX:TieredStopAtLevel=1";
  static int n = 1500;
  static int warmup = 500;

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--n" -> n = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--jar" -> jar = args[i + 1];
        default -> throw new IllegalArgumentException(args[i]);
      }
    }
    Path home = Files.createTempDirectory("ccs-profile");
    Path recording = home.resolve("sync.jfr");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.writeString(home.resolve("config.json"), "{\"port\":" + port + ",\"host\":\"127.0.0.1\",\"claudePath\":\""
        + fake + "\",\"logLevel\":\"warn\",\"maxBudgetUsd\":null,\"rateLimit\":{\"enabled\":false}}");
    List<String> command = new ArrayList<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    command.add(java);
    command.add("-Djdk.lang.Process.launchMechanism=VFORK");
    command.addAll(List.of(jvmOpts.split(" ")));
    // Recording starts at once but only what the measured requests do is kept (see the dump below).
    command.add("-XX:StartFlightRecording:settings=default,name=ccs");
    command.addAll(List.of("-jar", jar, "--config", home.resolve("config.json").toString()));
    Process server = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(home.resolve("server.log").toFile()).start();
    try {
      RawClient client = awaitServer(port);
      for (int i = 0; i < warmup; i++) {
        client.post("{\"prompt\":\"hi\"}");
      }
      String begin = Instant.now().toString();
      List<Long> outside = new ArrayList<>();
      List<Long> direct = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        client.post("{\"prompt\":\"hi\"}");
        outside.add(System.nanoTime() - t);
        t = System.nanoTime();
        spawnDirect();
        direct.add(System.nanoTime() - t);
      }
      String end = Instant.now().toString();
      Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(server.pid()), "JFR.dump", "name=ccs", "filename=" + recording, "begin=" + begin, "end=" + end)
          .redirectErrorStream(true).start();
      dump.getInputStream().readAllBytes();
      dump.waitFor();
      report(recording, outside, direct);
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  static void report(Path recording, List<Long> outside, List<Long> direct) throws IOException {
    Map<String, List<Long>> phases = new LinkedHashMap<>();
    Map<String, Integer> selfSamples = new HashMap<>();
    int samples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      String type = event.getEventType().getName();
      if (type.equals("dev.ccs.Phase")) {
        phases.computeIfAbsent(event.getString("name"), k -> new ArrayList<>()).add(event.getDuration().toNanos());
      } else if (type.equals("jdk.ExecutionSample") && event.getStackTrace() != null
          && !event.getStackTrace().getFrames().isEmpty()) {
        RecordedFrame top = event.getStackTrace().getFrames().get(0);
        String method = top.getMethod().getType().getName() + "." + top.getMethod().getName();
        selfSamples.merge(method, 1, Integer::sum);
        samples++;
      }
    }
    System.out.printf("machine: %d cores, java %s; %d sequential requests, a new session each, fake CLI%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), outside.size());
    double total = p50(outside);
    double spawn = p50(direct);
    System.out.printf("  request, seen by the client        p50 %6.3f ms%n", total);
    System.out.printf("  spawning the fake directly         p50 %6.3f ms%n", spawn);
    String[][] order = {
        {"http.exchange", "whole exchange in the server (handler thread)"},
        {"http.handler", "  routing, body, JSON, session, turn"},
        {"turn", "    the turn (plan, run, record)"},
        {"cli.launch", "      launching the CLI (fork, exec)"},
        {"cli.output", "      CLI working, until its result line"},
        {"store.turn", "      durable write of the turn (overlaps cli.exit)"},
        {"cli.exit", "      result line to exit and streams closed"},
        {"http.send", "  response headers and body"},
    };
    for (String[] phase : order) {
      List<Long> values = phases.get(phase[0]);
      if (values != null) {
        System.out.printf("  %-45s p50 %6.3f ms  (%s, %d events)%n", phase[1], p50(values), phase[0], values.size());
        System.out.printf("PHASE|%s|%s|%.3f%n", phase[0], phase[1].strip(), p50(values));
      }
    }
    System.out.printf("PHASE|client|request seen by the client|%.3f%n", total);
    System.out.printf("PHASE|spawn|spawning the fake directly|%.3f%n", spawn);
    System.out.printf("%nserver CPU samples (JFR, every 10-20 ms of CPU), top methods by own time, of %d:%n", samples);
    int all = samples;
    selfSamples.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
        .forEach(e -> System.out.printf("  %5.1f %%  %s%n", 100.0 * e.getValue() / Math.max(1, all), e.getKey()));
  }

  static double p50(List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2) / 1e6;
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
    process.waitFor();
  }

  static RawClient awaitServer(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        return new RawClient(port);
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  /** POST on one keep-alive socket, as curl would: what is timed is the server, not a client library. */
  static final class RawClient {
    private final Socket socket;
    private final BufferedInputStream in;

    RawClient(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      in = new BufferedInputStream(socket.getInputStream());
    }

    void post(String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.write(bytes);
      out.flush();
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
}
