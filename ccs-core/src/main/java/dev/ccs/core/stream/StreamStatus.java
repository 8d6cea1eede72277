package dev.ccs.core.stream;

import java.util.Locale;

/** Where a stream is: still running, or how it ended. */
public enum StreamStatus {
  STREAMING, COMPLETED, FAILED, CANCELLED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
