package dev.ccs.core.exec;

/** The CLI's {@code --output-format} values that ccs uses. */
public enum OutputFormat {
  /** One result object at the end. */
  JSON("json"),
  /** One JSON line per event, flushed as it happens (needs {@code --verbose}). */
  STREAM_JSON("stream-json");

  private final String flagValue;

  OutputFormat(String flagValue) {
    this.flagValue = flagValue;
  }

  public String flagValue() {
    return flagValue;
  }
}
