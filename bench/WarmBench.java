import dev.ccs.testkit.MockAnthropic;
import dev.ccs.testkit.RealClaude;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Warm sessions with the real CLI (the pinned npm package, installed on first use) against the mock
 * Messages API of the tests: sessions of 10 turns over POST /api/sessions/{id}/continue on one ccs
 * server (the runnable jar), each session once with "warm": false (every turn a new `claude -p
 * --resume`) and once with "warm": true (turns 2-10 written to the live CLI of turn 1). Reports
 * turns 2-10, p50 and p99 of each, and the memory: the server's RSS and its warm CLIs' while they
 * are alive. Target: warm p50 under 80 ms.
 *
 * Run: bash bench/run.sh warm   (or: java -cp ccs-httpd/target/ccs-httpd.jar:ccs-core/target/ccs-core-*-tests.jar
 * bench/WarmBench.java [--sessions 5])
 */
public class WarmBench {

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  public static void main(String[] args) throws Exception {
    int sessions = args.length > 1 && args[0].equals("--sessions") ? Integer.parseInt(args[1]) : 5;
    int turns = 10;
    Path claude = RealClaude.executable();
    Path home = Files.createTempDirectory("ccs-warm-bench");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (MockAnthropic mock = MockAnthropic.start()) {
      Map<String, String> env = RealClaude.environment(home.resolve("cli-home"), mock);
      Files.writeString(home.resolve("config.json"), "{\"port\":" + port + ",\"host\":\"127.0.0.1\",\"claudePath\":\""
          + claude + "\",\"logLevel\":\"warn\",\"maxBudgetUsd\":null,\"rateLimit\":{\"enabled\":false},"
          + "\"workspacePath\":\"" + home.resolve("workspace") + "\",\"dataDir\":\"" + home.resolve("data") + "\","
          + "\"warmSessions\":{\"enabled\":true,\"maxWarm\":" + sessions + ",\"memoryBudgetMb\":" + (sessions * 400)
          + "}}");
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:+UseSerialGC", "-Xms8m", "-Xmx96m", "-XX:TieredStopAtLevel=1", "-jar", "ccs-httpd/target/ccs-httpd.jar",
          "--config", home.resolve("config.json").toString()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(home.resolve("server.log").toFile());
      builder.environment().clear();
      builder.environment().putAll(env);
      Process server = builder.start();
      try {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI base = URI.create("http://127.0.0.1:" + port);
        awaitUp(client, base);
        // One session each way first: the CLI's own first start (its caches) is not what is measured.
        conversation(client, base, false, 3);
        conversation(client, base, true, 3);
        List<Long> cold = new ArrayList<>();
        List<Long> warm = new ArrayList<>();
        List<Long> alone = new ArrayList<>();
        direct(claude, env, home.resolve("direct"), 3);
        long serverRssBefore = rss(server.pid());
        for (int s = 0; s < sessions; s++) {
          cold.addAll(conversation(client, base, false, turns));
          warm.addAll(conversation(client, base, true, turns));
          alone.addAll(direct(claude, env, home.resolve("direct"), turns));
        }
        String health = get(client, base, "/health");
        long warmRss = number(health, "\"warm_sessions\"", "\"rss\":");
        long warmProcesses = number(health, "\"warm_sessions\"", "\"processes\":");
        long serverRss = rss(server.pid());
        double coldP50 = percentile(cold, 50);
        double warmP50 = percentile(warm, 50);
        System.out.printf(Locale.ROOT, "%d sessions of %d turns each way; turns 2-%d measured (%d each)%n", sessions,
            turns, turns, cold.size());
        System.out.printf(Locale.ROOT, "cold (claude -p --resume per turn): p50 %.1f ms, p99 %.1f ms%n", coldP50,
            percentile(cold, 99));
        System.out.printf(Locale.ROOT, "warm (a line to the live CLI):     p50 %.1f ms, p99 %.1f ms (target p50 < 80: %s)%n",
            warmP50, percentile(warm, 99), warmP50 < 80 ? "met" : "NOT met");
        double aloneP50 = percentile(alone, 50);
        System.out.printf(Locale.ROOT, "the CLI alone (a line written to it, no ccs): p50 %.1f ms, p99 %.1f ms%n",
            aloneP50, percentile(alone, 99));
        System.out.printf(Locale.ROOT, "warm turns as the server timed them (prompt written to result read): p50 %.1f ms%n",
            percentile(SERVER_SIDE.subList(SERVER_SIDE.size() - warm.size(), SERVER_SIDE.size()), 50));
        StringBuilder byTurn = new StringBuilder("warm p50 by turn:");
        for (int t = 0; t < turns - 1; t++) {
          List<Long> at = new ArrayList<>();
          for (int i = t; i < warm.size(); i += turns - 1) {
            at.add(warm.get(i));
          }
          byTurn.append(String.format(Locale.ROOT, " %d: %.0f ms", t + 2, percentile(at, 50)));
        }
        System.out.println(byTurn);
        System.out.printf(Locale.ROOT, "memory: server %.0f MiB (%.0f before), %d warm CLIs %.0f MiB (%.0f MiB each)%n",
            mib(serverRss), mib(serverRssBefore), warmProcesses, mib(warmRss), mib(warmRss) / Math.max(1, warmProcesses));
        figure("warm.p50", "Warm session turns 2-10, real CLI + mock API: p50", warmP50, "ms", "< 80");
        figure("warm.p99", "Warm session turns 2-10, real CLI + mock API: p99", percentile(warm, 99), "ms", "");
        figure("warm.alone_p50", "The same turns written to the CLI directly, no ccs: p50", aloneP50, "ms", "");
        figure("warm.added_p50", "What ccs adds to a warm turn (warm p50 - CLI alone p50)", warmP50 - aloneP50, "ms",
            "");
        figure("warm.cold_p50", "The same turns cold (claude -p --resume each): p50", coldP50, "ms", "");
        figure("warm.cold_p99", "The same turns cold (claude -p --resume each): p99", percentile(cold, 99), "ms", "");
        figure("warm.speedup", "Warm turn speed-up at p50 (cold p50 / warm p50)", coldP50 / warmP50, "x", "");
        figure("warm.server_rss", "Server RSS with " + warmProcesses + " warm CLIs alive", mib(serverRss), "MiB", "");
        figure("warm.cli_rss", "Resident memory of one warm CLI (mean of " + warmProcesses + ")",
            mib(warmRss) / Math.max(1, warmProcesses), "MiB", "");
      } finally {
        server.destroy();
        server.waitFor();
      }
    }
  }

  /** Server-side durations (write of the prompt to the result line) of the warm turns 2 and after, in ms. */
  private static final List<Long> SERVER_SIDE = new ArrayList<>();

  /** One session of {@code turns} turns; the durations of turns 2 and after, in nanoseconds. */
  private static List<Long> conversation(HttpClient client, URI base, boolean warm, int turns) throws Exception {
    String created = post(client, base, "/api/sessions", "{\"project_path\":\"bench\"}");
    String id = JSON.readTree(created).at("/session/id").asText();
    List<Long> times = new ArrayList<>();
    for (int turn = 1; turn <= turns; turn++) {
      long start = System.nanoTime();
      String reply = post(client, base, "/api/sessions/" + id + "/continue", "{\"prompt\":\"question " + turn
          + " [[mock:text=answer " + turn + "]]\",\"warm\":" + warm + "}");
      long took = System.nanoTime() - start;
      if (!reply.contains("\"answer " + turn + "\"")) {
        throw new IllegalStateException("turn " + turn + " of " + id + ": " + reply);
      }
      if (turn > 1) {
        times.add(took);
      }
    }
    if (warm) {
      var messages = JSON.readTree(get(client, base, "/api/sessions/" + id + "/messages?order=asc&limit=100"))
          .path("messages");
      for (int i = 3; i < messages.size(); i += 2) {
        SERVER_SIDE.add(messages.get(i).at("/metadata/duration_ms").asLong() * 1_000_000);
      }
    }
    return times;
  }

  /**
   * The CLI alone, as the server starts a warm one, for reference: turns 2 and after written to its
   * stdin by this process, timed to their result lines.
   */
  private static List<Long> direct(Path claude, Map<String, String> env, Path work, int turns) throws Exception {
    Files.createDirectories(work);
    ProcessBuilder builder = new ProcessBuilder(claude.toString(), "-p", "--input-format=stream-json",
        "--output-format=stream-json", "--verbose", "--include-partial-messages",
        "--session-id=" + java.util.UUID.randomUUID()).directory(work.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().clear();
    builder.environment().putAll(env);
    Process cli = builder.start();
    List<Long> times = new ArrayList<>();
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(cli.getInputStream(),
        java.nio.charset.StandardCharsets.UTF_8)); var out = cli.getOutputStream()) {
      for (int turn = 1; turn <= turns; turn++) {
        long start = System.nanoTime();
        out.write(("{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
            + "\"question " + turn + " [[mock:text=answer " + turn + "]]\"}]}}\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.flush();
        String line;
        while ((line = in.readLine()) != null && !JSON.readTree(line).path("type").asText().equals("result")) {
          // the turn's other lines
        }
        if (line == null) {
          throw new IllegalStateException("the CLI ended before its result");
        }
        if (turn > 1) {
          times.add(System.nanoTime() - start);
        }
      }
    }
    cli.waitFor();
    return times;
  }

  private static void awaitUp(HttpClient client, URI base) throws Exception {
    for (int i = 0; i < 600; i++) {
      try {
        if (client.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString())
            .statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("the server did not start");
  }

  private static String post(HttpClient client, URI base, String path, String body) throws Exception {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  private static String get(HttpClient client, URI base, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The number after {@code key} that follows {@code section} in a JSON text. */
  private static long number(String json, String section, String key) {
    int at = json.indexOf(key, json.indexOf(section));
    String rest = json.substring(at + key.length()).replaceAll("(?s)^([0-9]+).*", "$1");
    return Long.parseLong(rest);
  }

  private static long rss(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }

  private static double mib(long bytes) {
    return bytes / 1048576.0;
  }

  private static double percentile(List<Long> nanos, int p) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    int index = Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p / 100.0) - 1);
    return sorted.get(Math.max(0, index)) / 1e6;
  }

  private static void figure(String id, String label, double value, String unit, String target) {
    System.out.printf(Locale.ROOT, "FIGURE|%s|%s|%.2f|%s|%s%n", id, label, value, unit, target);
  }
}
