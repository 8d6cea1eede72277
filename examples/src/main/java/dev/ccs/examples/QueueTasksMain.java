package dev.ccs.examples;

import com.sun.net.httpserver.HttpServer;
import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.WebhookConfig;
import dev.ccs.core.task.NewTask;
import dev.ccs.core.task.Task;
import dev.ccs.core.webhook.WebhookSigner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Queues prompts as durable tasks with priorities, waits for them, and receives their signed
 * {@code task.completed} webhooks on a small local receiver that verifies each signature.
 *
 * <pre>java -cp examples.jar:... dev.ccs.examples.QueueTasksMain [claude-path] "prompt" ["prompt" ...]</pre>
 */
public final class QueueTasksMain {

  private QueueTasksMain() {
  }

  public static void main(String[] args) throws Exception {
    String claude = args.length > 1 ? args[0] : "claude";
    List<String> prompts = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("Name three rivers.");
    String secret = "whsec_example_only";
    CountDownLatch webhooks = new CountDownLatch(prompts.size());
    HttpServer receiver = receiver(secret, webhooks);
    String hookUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/ccs";
    // A receiver on this machine is a private target: allowed here explicitly.
    CcsConfig config = CcsConfig.defaults(Path.of("ccs-example")).toBuilder().claudePath(claude)
        .webhook(new WebhookConfig(false, null, Duration.ofSeconds(5), 3, secret, true)).build();
    try (Ccs ccs = Ccs.builder(config).build()) {
      List<Task> tasks = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        // Later prompts get higher priorities, so they run first.
        tasks.add(ccs.tasks().submit(NewTask.builder(prompts.get(i)).priority(Math.min(10, 1 + i))
            .timeout(Duration.ofMinutes(5)).webhookUrl(hookUrl).build(), null).task());
      }
      for (Task task : tasks) {
        Task done = ccs.tasks().completion(task.id()).get(10, TimeUnit.MINUTES);
        System.out.printf("task %s (priority %d): %s -> %s, $%s%n", done.id(), done.priority(),
            done.status().wireName(), done.result() != null ? done.result() : done.error(), done.costUsd().toPlainString());
      }
      if (!webhooks.await(30, TimeUnit.SECONDS)) {
        System.err.println("not every webhook arrived");
        System.exit(1);
      }
    } finally {
      receiver.stop(0);
    }
  }

  /** Accepts deliveries whose signature verifies (401 otherwise), and counts task.completed ones. */
  private static HttpServer receiver(String secret, CountDownLatch completed) throws IOException {
    WebhookSigner signer = new WebhookSigner(secret);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/ccs", exchange -> {
      try (exchange) {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String signature = exchange.getRequestHeaders().getFirst(WebhookSigner.HEADER);
        boolean valid = signer.verify(signature, body, Instant.now().getEpochSecond(), 300);
        String event = exchange.getRequestHeaders().getFirst("X-CCS-Event");
        System.out.printf("webhook %s, signature %s%n", event, valid ? "verified" : "INVALID");
        exchange.sendResponseHeaders(valid ? 200 : 401, -1);
        if (valid && "task.completed".equals(event)) {
          completed.countDown();
        }
      }
    });
    server.start();
    return server;
  }
}
