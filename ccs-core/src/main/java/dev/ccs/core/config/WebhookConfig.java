package dev.ccs.core.config;

import java.time.Duration;

/**
 * Webhook delivery.
 *
 * @param enabled config {@code webhook.enabled}: deliveries to the default URL; a task's own
 *     {@code webhook_url} is honoured either way
 * @param defaultUrl config {@code webhook.defaultUrl}, or null
 * @param timeout per attempt, config {@code webhook.timeout} (milliseconds)
 * @param retries attempts after the first one, config {@code webhook.retries}
 * @param secret HMAC key for the signature header, config {@code webhook.secret}; never logged
 * @param allowPrivateTargets whether loopback and private-range targets are allowed, config
 *     {@code webhook.allowPrivateTargets}
 */
public record WebhookConfig(boolean enabled, String defaultUrl, Duration timeout, int retries,
    String secret, boolean allowPrivateTargets) {

  public static final WebhookConfig DEFAULT =
      new WebhookConfig(false, null, Duration.ofSeconds(5), 3, null, false);

  public WebhookConfig {
    Checks.positive("webhook.timeout", timeout);
    Checks.range("webhook.retries", retries, 0, 20);
  }

  @Override
  public String toString() {
    return "WebhookConfig[enabled=" + enabled + ", defaultUrl=" + defaultUrl + ", timeout=" + timeout
        + ", retries=" + retries + ", secret=" + (secret == null ? "null" : "***")
        + ", allowPrivateTargets=" + allowPrivateTargets + "]";
  }
}
