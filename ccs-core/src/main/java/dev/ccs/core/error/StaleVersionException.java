package dev.ccs.core.error;


/** A record changed between being read and being written (or already exists). */
public final class StaleVersionException extends CcsException.Conflict {

  public StaleVersionException(String message) {
    super("conflict", message);
  }
}
