package dev.ccs.core.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.config.Version;
import dev.ccs.core.config.WebhookConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.time.Backoff;
import dev.ccs.core.time.Scheduler;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers task events to webhooks, off the task's path: {@link #publish} stores a delivery per
 * target and returns; sending happens on threads of its own, with retries (exponential backoff
 * with jitter) and a log of every attempt. Deliveries are stored, so a restart resumes the pending
 * ones. Each POST carries the envelope {@code {event, timestamp, id, data}}, the event id in
 * {@code X-CCS-Event-Id} and, with a secret, the {@code X-CCS-Signature} header.
 */
public final class WebhookDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final Duration BASE_BACKOFF = Duration.ofSeconds(1);
  /** 1 s, 2 s, 4 s, ... at most 60 s, each between half and all of that. */
  private static final Backoff BACKOFF = new Backoff(BASE_BACKOFF, Duration.ofSeconds(60));

  private volatile WebhookConfig config;
  private final DeliveryStore store;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Executor senders;
  private volatile WebhookTargets targets;
  private volatile WebhookSigner signer;
  /** Attempts since start by result: delivered, retrying (failed, another attempt follows), failed (for good). */
  private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> attempts = java.util.Map.of(
      "delivered", new java.util.concurrent.atomic.LongAdder(), "retrying", new java.util.concurrent.atomic.LongAdder(),
      "failed", new java.util.concurrent.atomic.LongAdder());
  /** Created at the first delivery: an HTTP client costs a thread and some megabytes a server without webhooks does not need. */
  private volatile HttpClient client;
  private volatile boolean closed;

  /**
   * @param secret HMAC key of the signature, or null to send unsigned
   * @param senders threads that send (each attempt blocks one until answered or timed out)
   */
  public WebhookDispatcher(WebhookConfig config, String secret, DeliveryStore store, Clock clock, Scheduler scheduler,
      Executor senders) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.scheduler = scheduler;
    this.senders = senders;
    this.targets = new WebhookTargets(config.allowPrivateTargets());
    this.signer = secret == null ? null : new WebhookSigner(secret);
  }

  /**
   * Takes new settings (config reload): URL, timeout, retries, secret and target rules apply to
   * the attempts made from now on.
   */
  public void reconfigure(WebhookConfig value, String secret) {
    targets = new WebhookTargets(value.allowPrivateTargets());
    signer = secret == null ? null : new WebhookSigner(secret);
    boolean newTimeout = !value.timeout().equals(config.timeout());
    config = value;
    if (newTimeout) {
      client = null; // the next delivery builds one with the new connect timeout
    }
  }

  /** Null when {@code url} may receive webhooks, else why not (for a 400 at submission). */
  public String problemWith(String url) {
    return targets.problem(url);
  }

  /**
   * Stores the deliveries of one event (to the task's own URL, and to the default URL when webhooks
   * are enabled) and schedules them. Returns at once.
   */
  public void publish(UUID taskId, String taskUrl, String event, ObjectNode data) {
    Set<String> urls = new LinkedHashSet<>();
    if (taskUrl != null && !taskUrl.isBlank()) {
      urls.add(taskUrl);
    }
    if (config.enabled() && config.defaultUrl() != null && !config.defaultUrl().isBlank()) {
      urls.add(config.defaultUrl());
    }
    for (String url : urls) {
      UUID id = UUID.randomUUID();
      Instant now = clock.instant();
      ObjectNode envelope = Json.object();
      envelope.put("event", event);
      envelope.put("timestamp", now.toString());
      envelope.put("id", id.toString());
      envelope.set("data", data);
      Delivery delivery = store.create(new Delivery(id, taskId, event, url, Json.write(envelope), now,
          DeliveryStatus.PENDING, 0, now, null, List.of(), 0));
      send(delivery);
    }
  }

  /**
   * The signing secret, {@code webhook.secret} (a new config file gets a random one). Without it
   * deliveries go out unsigned: a secret the operator never saw would be of no use to receivers.
   */
  public static String signingSecret(WebhookConfig config) {
    if (config.secret() != null && !config.secret().isBlank()) {
      return config.secret();
    }
    LOG.warn("webhooks are sent unsigned: set webhook.secret in the config");
    return null;
  }

  /** Resumes deliveries left pending by a previous run. */
  public void resumePending() {
    resume(store.pending());
  }

  /**
   * Takes over the deliveries that nodes which died left pending (a store shared by several nodes;
   * none otherwise), each by one node.
   */
  public void adoptOrphaned() {
    resume(store.adoptOrphaned());
  }

  private void resume(List<Delivery> deliveries) {
    for (Delivery delivery : deliveries) {
      Duration wait = delivery.nextAttemptAt() == null ? Duration.ZERO
          : Duration.between(clock.instant(), delivery.nextAttemptAt());
      schedule(delivery, wait.isNegative() ? Duration.ZERO : wait);
    }
  }

  /** Removes a removed task's finished deliveries (one still being tried finishes first). */
  public void forgetTask(UUID taskId) {
    for (UUID id : store.finishedOfTask(taskId)) {
      store.delete(id);
    }
  }

  /**
   * Removes at most {@code limit} deliveries that finished before {@code cutoff}.
   *
   * @return how many were removed
   */
  public int purgeFinishedBefore(Instant cutoff, int limit) {
    int removed = 0;
    for (UUID id : store.finishedBefore(cutoff, limit)) {
      store.delete(id);
      removed++;
    }
    return removed;
  }

  public List<Delivery> deliveriesOf(UUID taskId) {
    return store.ofTask(taskId);
  }

  /** Stops scheduling new attempts (pending ones are resumed at the next start). */
  public void close() {
    closed = true;
  }

  private void schedule(Delivery delivery, Duration wait) {
    if (closed) {
      return;
    }
    scheduler.schedule(wait, () -> send(delivery));
  }

  /** Hands an attempt to a sender; when all are busy it waits a little (it is stored, so nothing is lost). */
  private void send(Delivery delivery) {
    try {
      senders.execute(() -> attempt(delivery));
    } catch (RejectedExecutionException e) {
      schedule(delivery, BASE_BACKOFF);
    }
  }

  private void attempt(Delivery delivery) {
    if (closed) {
      return;
    }
    int number = delivery.attempts() + 1;
    Instant at = clock.instant();
    Integer statusCode = null;
    String error = targets.problem(delivery.url());
    boolean refused = error != null;
    if (!refused) {
      try {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(delivery.url()))
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .header("User-Agent", "ccs-webhook/" + Version.current())
            .header("X-CCS-Event", delivery.event())
            .header("X-CCS-Event-Id", delivery.id().toString())
            .header("X-CCS-Delivery-Attempt", Integer.toString(number))
            .POST(HttpRequest.BodyPublishers.ofString(delivery.payload()));
        WebhookSigner signing = signer;
        if (signing != null) {
          request.header(WebhookSigner.HEADER, signing.sign(clock.instant().getEpochSecond(), delivery.payload()));
        }
        HttpResponse<Void> response = client().send(request.build(), HttpResponse.BodyHandlers.discarding());
        statusCode = response.statusCode();
        if (statusCode < 200 || statusCode >= 300) {
          error = "HTTP " + statusCode;
        }
      } catch (IOException e) {
        error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        error = "interrupted";
      } catch (IllegalArgumentException e) {
        error = "invalid URL: " + e.getMessage();
        refused = true;
      }
    }
    long durationMs = Duration.between(at, clock.instant()).toMillis();
    Delivery.Attempt entry = new Delivery.Attempt(number, at, statusCode, error, durationMs);
    Delivery updated;
    if (error == null) {
      attempts.get("delivered").increment();
      updated = delivery.attempted(entry, DeliveryStatus.DELIVERED, null);
    } else if (!refused && number <= config.retries()) {
      attempts.get("retrying").increment();
      Duration wait = BACKOFF.after(number);
      updated = delivery.attempted(entry, DeliveryStatus.PENDING, clock.instant().plus(wait));
      store.update(updated);
      LOG.debug("webhook {} to {} failed ({}); attempt {} in {} ms", delivery.event(), delivery.url(), error,
          number + 1, wait.toMillis());
      schedule(updated, wait);
      return;
    } else {
      attempts.get("failed").increment();
      updated = delivery.attempted(entry, DeliveryStatus.FAILED, null);
      LOG.warn("webhook {} of task {} to {} failed after {} attempt(s): {}", delivery.event(), delivery.taskId(),
          delivery.url(), number, error);
    }
    store.update(updated);
  }

  /** Delivery attempts since start, by result ({@code delivered}, {@code retrying}, {@code failed}). */
  public java.util.Map<String, Long> attemptsByResult() {
    java.util.Map<String, Long> counts = new java.util.TreeMap<>();
    attempts.forEach((result, count) -> counts.put(result, count.sum()));
    return counts;
  }

  /** Whether an HTTP client exists yet: none is made before the first delivery that passes the target checks. */
  boolean clientCreated() {
    return client != null;
  }

  private HttpClient client() {
    HttpClient current = client;
    if (current == null) {
      synchronized (this) {
        current = client;
        if (current == null) {
          // No proxy (a receiver on the operator's network), no redirects (a redirect could lead past the target checks).
          current = HttpClient.newBuilder().proxy(ProxySelector.of(null)).connectTimeout(config.timeout())
              .followRedirects(HttpClient.Redirect.NEVER).build();
          client = current;
        }
      }
    }
    return current;
  }
}
