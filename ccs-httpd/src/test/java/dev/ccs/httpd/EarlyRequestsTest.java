package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.testkit.FakeClaude;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node defect #47: the Node server listened before its stores were open, so the first requests hit
 * a store that was not there yet (an HTML 500). ccs opens its stores and reads what they hold before
 * it listens: a client that knocks from the moment the process starts is refused a connection, then
 * gets only whole answers.
 */
@Timeout(180)
class EarlyRequestsTest {

  private static final int SESSIONS = 3000;

  @TempDir
  Path temp;

  @Test
  void aClientKnockingFromTheFirstMomentGetsOnlyWholeAnswers() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CcsConfig config = TestServer.config(temp.resolve("home"), FakeClaude.create(temp).executable()).toBuilder()
        .port(port).build();
    // Enough stored for the start to take a while: the last one must be there from the first answer.
    UUID last;
    try (Ccs ccs = Ccs.builder(config).build()) {
      UUID id = null;
      for (int i = 0; i < SESSIONS; i++) {
        id = ccs.sessions().create("p" + (i % 7), null, null, null).id();
      }
      last = id;
    }

    HttpClient client = HttpClient.newBuilder().proxy(java.net.ProxySelector.of(null))
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/sessions/" + last))
        .timeout(Duration.ofSeconds(30)).build();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger refused = new AtomicInteger();
    List<String> answers = Collections.synchronizedList(new ArrayList<>());
    List<String> wrong = Collections.synchronizedList(new ArrayList<>());
    Thread knocker = new Thread(() -> {
      while (!stop.get() && answers.size() < 50) {
        try {
          HttpResponse<String> reply = client.send(probe, HttpResponse.BodyHandlers.ofString());
          String seen = reply.statusCode() + " " + reply.headers().firstValue("content-type").orElse("-") + " "
              + reply.body();
          answers.add(seen);
          boolean whole = reply.statusCode() == 200
              && Json.parse(reply.body()).at("/session/id").asText().equals(last.toString());
          if (!whole) {
            wrong.add(seen);
          }
        } catch (ConnectException e) {
          refused.incrementAndGet();
          sleep();
        } catch (Exception e) {
          wrong.add(e.toString());
          sleep();
        }
      }
    }, "knocker");
    knocker.start();
    try (ServerProcess server = ServerProcess.start(config, temp.resolve("home/config.json"),
        temp.resolve("server.log"))) {
      knocker.join(Duration.ofSeconds(60).toMillis());
    } finally {
      stop.set(true);
      knocker.join();
    }

    // The knocker was there before the server listened, or the test proves nothing.
    assertThat(refused.get()).as("connections refused before the server listened").isPositive();
    assertThat(answers).hasSize(50);
    assertThat(wrong).as("answers that were not the whole stored session").isEmpty();
  }

  private static void sleep() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
