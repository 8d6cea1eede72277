package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.StatisticsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.ShellClaude;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statistics after a {@code kill -9} during a burst of runs, with snapshots being taken during
 * the burst: after the restart they equal what the session histories say was billed, no run lost
 * and none counted twice.
 */
@Timeout(300)
class StatisticsCrashTest {

  @TempDir
  Path temp;

  private final HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(null))
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void afterAKillTheStatisticsEqualWhatTheHistoriesSayWasBilled() throws Exception {
    ShellClaude fake = ShellClaude.billing(temp.resolve("fake"), 123_000, 20);
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .statistics(new StatisticsConfig(true, Duration.ofMillis(150), 400))
        .build();
    Path configFile = temp.resolve("config.json");
    List<String> sessions = new ArrayList<>();
    AtomicInteger answered = new AtomicInteger();
    try (ServerProcess first = ServerProcess.start(config, configFile, temp.resolve("first.log"))) {
      for (int i = 0; i < 16; i++) {
        sessions.add(Json.parse(send(first, "POST", "/api/sessions", "{\"project_path\":\"p\"}").body())
            .at("/session/id").asText());
      }
      List<Thread> clients = new ArrayList<>();
      for (String id : sessions) {
        Thread thread = new Thread(() -> {
          try {
            while (true) {
              if (send(first, "POST", "/api/sessions/" + id + "/continue", "{\"prompt\":\"x\"}").statusCode() == 200) {
                answered.incrementAndGet();
              }
            }
          } catch (IOException | InterruptedException e) {
            // the server is gone
          }
        });
        thread.start();
        clients.add(thread);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (answered.get() < 200 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      first.kill();
      for (Thread thread : clients) {
        thread.join(10_000);
      }
    }
    assertThat(answered.get()).isGreaterThanOrEqualTo(200);

    try (ServerProcess second = ServerProcess.start(config, configFile, temp.resolve("second.log"))) {
      int billedRuns = 0;
      BigDecimal billed = BigDecimal.ZERO;
      for (String id : sessions) {
        JsonNode page = Json.parse(send(second, "GET", "/api/sessions/" + id + "/messages?limit=100", null).body());
        assertThat(page.at("/pagination/has_more").asBoolean()).isFalse();
        for (JsonNode message : page.path("messages")) {
          if (message.path("role").asText().equals("assistant")) {
            billedRuns++;
            billed = billed.add(message.at("/metadata/cost_usd").decimalValue());
          }
        }
      }
      JsonNode summary = Json.parse(send(second, "GET", "/api/statistics/summary", null).body()).path("statistics");
      assertThat(billedRuns).isGreaterThanOrEqualTo(answered.get());
      assertThat(summary.at("/requests/total").asInt()).isEqualTo(billedRuns);
      assertThat(summary.at("/costs/total_usd").decimalValue()).isEqualByComparingTo(billed)
          .isEqualByComparingTo(new BigDecimal("0.0123").multiply(BigDecimal.valueOf(billedRuns)));
    }
  }

  private HttpResponse<String> send(ServerProcess server, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(30));
    if (body != null) {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
