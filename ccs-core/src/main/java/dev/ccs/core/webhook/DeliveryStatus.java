package dev.ccs.core.webhook;

import java.util.Locale;

/** Where a webhook delivery is. */
public enum DeliveryStatus {
  /** Not delivered yet; another attempt is due. */
  PENDING,
  /** The receiver answered 2xx. */
  DELIVERED,
  /** Every attempt failed, or the target was refused. */
  FAILED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
