package dev.ccs.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on 127.0.0.1 for tests: records every POST, answers with scripted statuses
 * (200 once the script is used up), optionally after a delay.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** One received request. */
  public record Received(String path, Map<String, String> headers, String body, long receivedAtNanos) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final HttpServer server;
  private final BlockingQueue<Received> queue = new LinkedBlockingQueue<>();
  private final List<Received> all = new CopyOnWriteArrayList<>();
  private final List<Integer> statuses = new CopyOnWriteArrayList<>();
  private final AtomicInteger answered = new AtomicInteger();
  private volatile long delayMillis;

  private WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", exchange -> {
      try (exchange) {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
        Received received = new Received(exchange.getRequestURI().getPath(), headers, body, System.nanoTime());
        all.add(received);
        queue.add(received);
        if (delayMillis > 0) {
          try {
            Thread.sleep(delayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        int index = answered.getAndIncrement();
        int status = index < statuses.size() ? statuses.get(index) : 200;
        exchange.sendResponseHeaders(status, -1);
      }
    });
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "webhook-receiver");
      thread.setDaemon(true);
      return thread;
    }));
    server.start();
  }

  public static WebhookReceiver start() {
    try {
      return new WebhookReceiver();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The statuses of the next answers, in order (200 after them). */
  public WebhookReceiver answer(Integer... codes) {
    statuses.addAll(List.of(codes));
    return this;
  }

  public WebhookReceiver delay(Duration delay) {
    delayMillis = delay.toMillis();
    return this;
  }

  /** The next request, waiting up to 30 s. */
  public Received take() {
    try {
      Received received = queue.poll(30, TimeUnit.SECONDS);
      if (received == null) {
        throw new AssertionError("no webhook arrived");
      }
      return received;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next request whose {@code X-CCS-Event} is {@code event}, skipping others. */
  public Received take(String event) {
    while (true) {
      Received received = take();
      if (event.equals(received.header("x-ccs-event"))) {
        return received;
      }
    }
  }

  public List<Received> received() {
    return List.copyOf(all);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
