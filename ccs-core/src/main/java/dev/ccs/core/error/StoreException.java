package dev.ccs.core.error;

/** The storage failed (disk full, permissions, a corrupt file that cannot be set aside). */
public final class StoreException extends RuntimeException {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
