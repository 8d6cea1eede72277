package dev.ccs.httpd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.concurrent.Threads;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.HttpConfig;
import dev.ccs.httpd.load.RawHttp;
import dev.ccs.testkit.ShellClaude;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hundred clients that send their headers, or their body, a byte at a time hold the server
 * (a child JVM with the README's flags, on this JDK and on a JDK 21+) while a normal client goes on
 * being answered within a second; each slow one is disconnected once {@code http.requestTimeout} is
 * over, and the server is back at its idle threads and file descriptors afterwards.
 */
@Timeout(300)
class SlowClientTest {

  private static final int SLOW_CLIENTS = 300;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);

  @TempDir
  Path temp;

  @Test
  void slowClientsCostABoundedAmountOnThisJvm() throws Exception {
    slowClientsCostABoundedAmount(Jvms.current());
  }

  @Test
  void slowClientsCostABoundedAmountOnJava21Plus() throws Exception {
    slowClientsCostABoundedAmount(Jvms.newest());
  }

  /** A connection that sends its request one byte at a time. */
  private static final class Slow {
    final Socket socket;
    final byte[] request;
    final long openedAt = System.nanoTime();
    int sent;
    long closedAt;

    Slow(int port, byte[] request) throws IOException {
      this.socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(1);
      this.request = request;
    }

    /** Sends the next byte; notes when the server has closed the connection. */
    void dribble() {
      if (closedAt != 0) {
        return;
      }
      try {
        InputStream in = socket.getInputStream();
        try {
          if (in.read() == -1) {
            closedAt = System.nanoTime();
            return;
          }
        } catch (SocketTimeoutException e) {
          // still open, nothing to read
        }
        if (sent < request.length) {
          OutputStream out = socket.getOutputStream();
          out.write(request[sent++]);
          out.flush();
        }
      } catch (IOException e) {
        closedAt = System.nanoTime(); // reset: closed by the server
      }
    }
  }

  private void slowClientsCostABoundedAmount(Path java) throws Exception {
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    CcsConfig config = TestServer.config(temp.resolve("home"), fake.executable()).toBuilder()
        .http(HttpConfig.DEFAULT.toBuilder().requestTimeout(REQUEST_TIMEOUT).build())
        .build();
    try (ServerProcess server = ServerProcess.start(config, temp.resolve("config.json"), temp.resolve("server.log"),
        Map.of("PATH", System.getenv("PATH"), "HOME", temp.toString()), java, Jvms.readmeFlags())) {
      try (RawHttp warmup = new RawHttp(server.port(), 10_000)) {
        assertThat(warmup.postJson("/api/messages", "{\"prompt\":\"warm up\"}").status()).isEqualTo(200);
      }
      long idleThreads = server.status("Threads");
      long idleFiles = server.openFiles();

      List<Slow> slow = new ArrayList<>();
      String padding = "X-Padding: " + "p".repeat(200) + "\r\n";
      for (int i = 0; i < SLOW_CLIENTS; i++) {
        String request = i % 2 == 0
            ? "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + padding + "\r\n"
            : "POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 400\r\n\r\n{\"project_path\":\"p\",\"metadata\":{\"x\":\"" + "m".repeat(360) + "\"}}";
        // The body dribblers send their headers whole, then the body a byte at a time.
        Slow s = new Slow(server.port(), request.getBytes(StandardCharsets.US_ASCII));
        if (i % 2 == 1) {
          int headers = request.indexOf("\r\n\r\n") + 4;
          s.socket.getOutputStream().write(s.request, 0, headers);
          s.sent = headers;
        }
        slow.add(s);
      }

      // A normal client while the slow ones dribble, for twice their time limit.
      long maxMillis = 0;
      int answered = 0;
      long end = System.nanoTime() + REQUEST_TIMEOUT.multipliedBy(2).toNanos();
      long nextDribble = 0;
      try (RawHttp normal = new RawHttp(server.port(), 10_000)) {
        while (System.nanoTime() < end) {
          if (System.nanoTime() >= nextDribble) {
            slow.forEach(Slow::dribble);
            nextDribble = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
          }
          long start = System.nanoTime();
          RawHttp.Response reply = answered % 2 == 0 ? normal.get("/health")
              : normal.postJson("/api/messages", "{\"prompt\":\"while others dribble\"}");
          long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
          maxMillis = Math.max(maxMillis, millis);
          answered++;
        }
      }
      System.out.printf("%s: %d answers to a normal client beside %d slow ones, slowest %d ms; server threads %d, "
          + "RSS %d KiB (peak %d KiB)%n", java, answered, SLOW_CLIENTS, maxMillis, server.status("Threads"),
          server.status("VmRSS"), server.status("VmHWM"));
      assertThat(maxMillis).as("slowest answer to the normal client (ms)").isLessThan(1000);

      // Every slow client is cut off once the request time limit is over (the JDK checks every second).
      long deadline = System.nanoTime() + REQUEST_TIMEOUT.plusSeconds(10).toNanos();
      while (slow.stream().anyMatch(s -> s.closedAt == 0) && System.nanoTime() < deadline) {
        slow.forEach(Slow::dribble);
        Thread.sleep(200);
      }
      for (Slow s : slow) {
        assertThat(s.closedAt).as("a slow client was never disconnected").isNotZero();
        assertThat(Duration.ofNanos(s.closedAt - s.openedAt))
            .isLessThan(REQUEST_TIMEOUT.plusSeconds(4));
        s.socket.close();
      }
      assertThat(slow.stream().filter(s -> s.sent >= s.request.length)).as("none finished its request").isEmpty();

      // Back to idle: handler threads end after their keep-alive time.
      awaitAtMost(server, "Threads", idleThreads + 4, Duration.ofSeconds(30));
      long files = 0;
      long filesDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((files = server.openFiles()) > idleFiles + 4 && System.nanoTime() < filesDeadline) {
        Thread.sleep(200);
      }
      assertThat(files).as("open files, idle %d", idleFiles).isLessThanOrEqualTo(idleFiles + 4);
      assertThat(server.log()).doesNotContain("OutOfMemoryError");
      assertThat(server.isAlive()).isTrue();
    }
  }

  private static void awaitAtMost(ServerProcess server, String field, long limit, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    long value;
    while ((value = server.status(field)) > limit && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(value).as(field + " of the server").isLessThanOrEqualTo(limit);
  }
}
