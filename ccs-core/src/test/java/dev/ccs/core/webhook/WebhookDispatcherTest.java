package dev.ccs.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.config.WebhookConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.store.InMemoryStorage;
import dev.ccs.core.testing.ManualScheduler;
import dev.ccs.core.testing.MutableClock;
import dev.ccs.testkit.WebhookReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Delivery on a virtual clock: every wait between attempts is a scheduler step, not a sleep. */
@Timeout(60)
class WebhookDispatcherTest {

  private static final String SECRET = "whsec_unit";

  private final MutableClock clock = MutableClock.startingAt("2026-11-23T12:00:00Z");
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final InMemoryStorage storage = new InMemoryStorage();
  private final WebhookReceiver receiver = WebhookReceiver.start();

  @AfterEach
  void tearDown() {
    receiver.close();
  }

  /** Sends on the calling thread, so each attempt has happened when publish or advance returns. */
  private WebhookDispatcher dispatcher(boolean enabled, String defaultUrl, int retries) {
    return new WebhookDispatcher(new WebhookConfig(enabled, defaultUrl, Duration.ofSeconds(5), retries, SECRET, true),
        SECRET, storage.deliveries(), clock, scheduler, Runnable::run);
  }

  @Test
  void aDeliveryIsSignedAndCarriesItsEventId() throws Exception {
    UUID task = UUID.randomUUID();
    dispatcher(false, null, 3).publish(task, receiver.url("/hook"), "task.completed",
        Json.object().put("task_id", task.toString()));

    WebhookReceiver.Received received = receiver.take();
    assertThat(received.header("x-ccs-event")).isEqualTo("task.completed");
    assertThat(received.header("x-ccs-delivery-attempt")).isEqualTo("1");
    assertThat(new WebhookSigner(SECRET).verify(received.header("x-ccs-signature"), received.body(),
        clock.instant().getEpochSecond(), 0)).isTrue();
    assertThat(Json.parse(received.body()).path("id").asText()).isEqualTo(received.header("x-ccs-event-id"));
    assertThat(Json.parse(received.body()).path("timestamp").asText()).isEqualTo("2026-11-23T12:00:00Z");
    Delivery stored = storage.deliveries().ofTask(task).get(0);
    assertThat(stored.status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(stored.log()).extracting(Delivery.Attempt::statusCode).containsExactly(200);
  }

  @Test
  void aRefusedTargetIsCheckedBeforeEveryAttemptAndNeverConnectedTo() {
    // Published directly (a submission checks first): the dispatcher checks again before each
    // attempt, since a name may resolve elsewhere by then. Literal addresses only: no DNS, no packet.
    WebhookDispatcher strict = new WebhookDispatcher(new WebhookConfig(false, null, Duration.ofSeconds(5), 3, SECRET,
        false), SECRET, storage.deliveries(), clock, scheduler, Runnable::run);
    UUID task = UUID.randomUUID();
    for (String url : new String[] {"http://[64:ff9b::7f00:1]/hook", "http://[::127.0.0.1]/hook",
        "http://198.18.0.1/hook", "http://255.255.255.255/hook", "http://192.0.0.1/hook"}) {
      strict.publish(task, url, "task.completed", Json.object());
    }
    scheduler.advance(Duration.ofHours(1));

    List<Delivery> deliveries = storage.deliveries().ofTask(task);
    assertThat(deliveries).hasSize(5).allSatisfy(delivery -> {
      assertThat(delivery.status()).isEqualTo(DeliveryStatus.FAILED);
      assertThat(delivery.log()).hasSize(1); // refused: not retried
      assertThat(delivery.log().get(0).statusCode()).isNull();
      assertThat(delivery.log().get(0).error()).containsAnyOf("private", "reserved");
    });
    assertThat(strict.clientCreated()).as("no HTTP client, so no connection, was ever made").isFalse();
  }

  @Test
  void failedAttemptsAreRetriedWithGrowingJitteredWaitsThenGivenUp() {
    receiver.answer(503, 503, 503);
    UUID task = UUID.randomUUID();
    dispatcher(false, null, 2).publish(task, receiver.url("/hook"), "task.failed", Json.object());
    assertThat(receiver.received()).hasSize(1);

    // The first retry waits between 0.5 and 1 s after the failed attempt, the second between 1 and 2 s.
    awaitRetry(task, Duration.ofMillis(500), Duration.ofMillis(1000), 2);
    assertThat(receiver.received().get(1).header("x-ccs-delivery-attempt")).isEqualTo("2");
    assertThat(receiver.received().get(1).header("x-ccs-event-id")).isEqualTo(receiver.received().get(0)
        .header("x-ccs-event-id"));
    awaitRetry(task, Duration.ofMillis(1000), Duration.ofMillis(2000), 3);

    scheduler.advance(Duration.ofHours(1));
    assertThat(receiver.received()).as("retries means attempts after the first").hasSize(3);
    Delivery stored = storage.deliveries().ofTask(task).get(0);
    assertThat(stored.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(stored.log()).extracting(Delivery.Attempt::statusCode).containsExactly(503, 503, 503);
    assertThat(stored.log()).extracting(Delivery.Attempt::error).containsOnly("HTTP 503");
  }

  /**
   * Checks that the next attempt is due between {@code min} and {@code max} after the last one, that
   * nothing is sent a millisecond before it, and that it is sent when due.
   */
  private void awaitRetry(UUID task, Duration min, Duration max, int attemptsThen) {
    Delivery pending = storage.deliveries().ofTask(task).get(0);
    Instant lastAttempt = pending.log().get(pending.log().size() - 1).at();
    Duration wait = Duration.between(lastAttempt, pending.nextAttemptAt());
    assertThat(wait).isBetween(min, max);
    Duration left = Duration.between(clock.instant(), pending.nextAttemptAt());
    scheduler.advance(left.minusMillis(1));
    assertThat(receiver.received()).hasSize(attemptsThen - 1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(receiver.received()).hasSize(attemptsThen);
  }

  @Test
  void aPendingDeliveryIsResumedByTheNextDispatcher() {
    receiver.answer(500);
    UUID task = UUID.randomUUID();
    WebhookDispatcher first = dispatcher(false, null, 3);
    first.publish(task, receiver.url("/hook"), "task.started", Json.object());
    first.close(); // the server stops before the retry is due

    scheduler.advance(Duration.ofMinutes(1));
    assertThat(receiver.received()).hasSize(1);
    assertThat(storage.deliveries().pending()).hasSize(1);

    dispatcher(false, null, 3).resumePending();
    scheduler.advance(Duration.ZERO);

    assertThat(receiver.received()).hasSize(2);
    assertThat(storage.deliveries().pending()).isEmpty();
    assertThat(storage.deliveries().ofTask(task).get(0).status()).isEqualTo(DeliveryStatus.DELIVERED);
  }

  @Test
  void theDefaultUrlNeedsWebhooksEnabledButATasksOwnUrlDoesNot() {
    dispatcher(false, receiver.url("/default"), 0).publish(UUID.randomUUID(), receiver.url("/own"), "task.completed",
        Json.object());
    dispatcher(true, receiver.url("/default"), 0).publish(UUID.randomUUID(), null, "task.completed", Json.object());
    dispatcher(true, receiver.url("/same"), 0).publish(UUID.randomUUID(), receiver.url("/same"), "task.completed",
        Json.object());

    assertThat(receiver.received()).extracting(WebhookReceiver.Received::path)
        .containsExactly("/own", "/default", "/same");
  }

  @Test
  void aTargetRefusedAtSendingTimeIsNotRetried() {
    WebhookDispatcher strict = new WebhookDispatcher(new WebhookConfig(false, null, Duration.ofSeconds(5), 3, SECRET,
        false), SECRET, storage.deliveries(), clock, scheduler, Runnable::run);
    UUID task = UUID.randomUUID();

    strict.publish(task, receiver.url("/hook"), "task.completed", Json.object());
    scheduler.advance(Duration.ofHours(1));

    assertThat(receiver.received()).isEmpty();
    List<Delivery> deliveries = storage.deliveries().ofTask(task);
    assertThat(deliveries.get(0).status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(deliveries.get(0).log()).hasSize(1);
    assertThat(deliveries.get(0).log().get(0).error()).contains("webhook.allowPrivateTargets");
  }
}
