package dev.ccs.core.session;

import dev.ccs.core.internal.Cursors;
import java.time.Instant;
import java.util.UUID;

/**
 * Where a page of the session list ended: the last session's update time and id (the list's order).
 * The next page starts after it, so sessions created meanwhile do not shift the pages; one updated
 * meanwhile moves to the front and is not listed again. Opaque to clients ({@link #encode}).
 */
public record SessionCursor(Instant updatedAt, UUID id) {

  public static SessionCursor after(Session session) {
    return new SessionCursor(session.updatedAt(), session.id());
  }

  public String encode() {
    return Cursors.encode("s1", updatedAt, id);
  }

  /** @throws dev.ccs.core.error.CcsException.InvalidRequest for a cursor this server did not make */
  public static SessionCursor decode(String text) {
    String[] parts = Cursors.decode("s1", 2, text);
    try {
      return new SessionCursor(Instant.parse(parts[0]), UUID.fromString(parts[1]));
    } catch (RuntimeException e) {
      throw Cursors.invalid();
    }
  }
}
