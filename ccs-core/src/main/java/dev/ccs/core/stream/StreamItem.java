package dev.ccs.core.stream;

/**
 * One event of a stream, as sent over server-sent events.
 *
 * @param id position in the stream, from 1 (the SSE {@code id:})
 * @param name {@code message}, {@code done} or {@code error} (the SSE {@code event:})
 * @param data the payload: a CLI output line for {@code message}, a JSON object otherwise
 */
public record StreamItem(long id, String name, String data) {

  public boolean terminal() {
    return !name.equals("message");
  }
}
