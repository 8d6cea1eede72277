package dev.ccs.core.task;

import dev.ccs.core.error.CcsException;
import dev.ccs.core.limit.InputLimits;
import dev.ccs.core.webhook.WebhookDispatcher;

/** A submission's fields against the limits and the webhook rules; nothing is stored before it passes. */
final class SubmissionChecks {

  private static final int MAX_WEBHOOK_URL_CHARS = 2048;

  private final InputLimits limits;
  private final WebhookDispatcher webhooks;

  SubmissionChecks(InputLimits limits, WebhookDispatcher webhooks) {
    this.limits = limits;
    this.webhooks = webhooks;
  }

  /** @throws CcsException.InvalidRequest a refused webhook URL, or a field over its limits */
  void check(NewTask request) {
    limits.checkPrompt(request.prompt());
    limits.checkOptions(request.options());
    limits.checkMetadata(request.metadata());
    if (request.webhookUrl() != null) {
      if (request.webhookUrl().length() > MAX_WEBHOOK_URL_CHARS) {
        throw new CcsException.InvalidRequest("\"webhook_url\" is longer than " + MAX_WEBHOOK_URL_CHARS
            + " characters");
      }
      String problem = webhooks.problemWith(request.webhookUrl());
      if (problem != null) {
        throw new CcsException.InvalidRequest("\"webhook_url\" is refused: " + problem);
      }
    }
  }
}
