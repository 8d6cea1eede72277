package dev.ccs.core.stream;

/**
 * One event of a stream, as sent over server-sent events.
 *
 * @param id position in the stream, from 1 (the SSE {@code id:})
 * @param name {@code message}, {@code status}, {@code done} or {@code error} (the SSE {@code event:})
 * @param data the payload: a CLI output line for {@code message}, a JSON object otherwise
 * @param terminal whether it is the last event of the stream
 */
public record StreamItem(long id, String name, String data, boolean terminal) {
}
