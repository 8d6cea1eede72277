package dev.ccs.core.auth;

/** The answer to "who sent this key?": a {@link Caller}, or why not. */
public sealed interface Authentication {

  /** The key is valid: {@code caller} sent it. */
  record Granted(Caller caller) implements Authentication {
  }

  /**
   * The key is refused.
   *
   * @param reason machine-readable: {@code invalid_format}, {@code invalid_api_key}, {@code expired_api_key}
   * @param message for the client
   * @param hint how to get it right, or null
   */
  record Denied(String reason, String message, String hint) implements Authentication {

    public Denied(String reason, String message) {
      this(reason, message, null);
    }
  }
}
