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

/**
 * What the OpenAI and Anthropic faces add over the native API: POST /v1/chat/completions and
 * POST /v1/messages against POST /api/messages, each a new conversation, interleaved on one ccs
 * server (the runnable jar) with the minimal fake CLI (bench/fake-claude.sh). Target: the OpenAI
 * face adds under 0.3 ms p50.
 *
 * Run: bash bench/run.sh faces   (or: java bench/FaceBench.java [--n 400])
 */
public class FaceBench {

  public static void main(String[] args) throws Exception {
    int n = args.length > 1 && args[0].equals("--n") ? Integer.parseInt(args[1]) : 400;
    Path fake = Path.of("bench/fake-claude.sh").toAbsolutePath();
    Path home = Files.createTempDirectory("ccs-face-bench");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.writeString(home.resolve("config.json"), "{\"port\":" + port + ",\"host\":\"127.0.0.1\",\"claudePath\":\""
        + fake + "\",\"logLevel\":\"warn\",\"maxBudgetUsd\":null,\"rateLimit\":{\"enabled\":false}}");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-Xms8m", "-Xmx96m", "-XX:TieredStopAtLevel=1", "-jar", "ccs-httpd/target/ccs-httpd.jar",
        "--config", home.resolve("config.json").toString()));
    Process server = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(home.resolve("server.log").toFile()).start();
    try {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI base = URI.create("http://127.0.0.1:" + port);
      for (int i = 0; i < 600; i++) {
        try {
          if (client.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString())
              .statusCode() == 200) {
            break;
          }
        } catch (java.io.IOException e) {
          Thread.sleep(100);
        }
      }
      String nativeBody = "{\"prompt\":\"hi\"}";
      String openAiBody = "{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      String anthropicBody = "{\"model\":\"sonnet\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      for (int i = 0; i < 200; i++) {
        post(client, base, "/api/messages", nativeBody);
        post(client, base, "/v1/chat/completions", openAiBody);
        post(client, base, "/v1/messages", anthropicBody);
      }
      List<Long> nativeTimes = new ArrayList<>();
      List<Long> openAi = new ArrayList<>();
      List<Long> anthropic = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        nativeTimes.add(post(client, base, "/api/messages", nativeBody));
        openAi.add(post(client, base, "/v1/chat/completions", openAiBody));
        anthropic.add(post(client, base, "/v1/messages", anthropicBody));
      }
      double nativeP50 = percentile(nativeTimes, 0.5);
      System.out.printf("machine: %d cores, java %s; %d requests each, interleaved, a new session each%n",
          Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), n);
      System.out.printf("POST /api/messages          p50 %6.2f ms  p99 %6.2f ms%n", nativeP50,
          percentile(nativeTimes, 0.99));
      report("POST /v1/chat/completions", openAi, nativeP50, 0.3);
      report("POST /v1/messages", anthropic, nativeP50, 0.3);
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  private static void report(String name, List<Long> times, double nativeP50, double target) {
    double p50 = percentile(times, 0.5);
    double added = p50 - nativeP50;
    System.out.printf("%-27s p50 %6.2f ms  p99 %6.2f ms  added %+.2f ms p50 (target < %.1f ms: %s)%n", name, p50,
        percentile(times, 0.99), added, target, added < target ? "met" : "NOT met");
    System.out.printf("FIGURE|faces.%s.added.p50|%s: added over POST /api/messages, p50|%.2f|ms|< %.1f%n",
        name.contains("chat") ? "openai" : "anthropic", name, added, target);
  }

  private static long post(HttpClient client, URI base, String path, String body) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    long took = System.nanoTime() - start;
    if (response.statusCode() != 200) {
      throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
    }
    return took;
  }

  private static double percentile(List<Long> nanos, double q) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size()))) / 1e6;
  }
}
