package dev.ccs.core.session;

/**
 * A page of a session's messages.
 *
 * @param limit 1-100
 * @param beforeId only messages older than this one, or null
 * @param afterId only messages newer than this one, or null
 * @param newestFirst order of the page
 */
public record MessageQuery(int limit, String beforeId, String afterId, boolean newestFirst) {

  public MessageQuery {
    if (limit < 1 || limit > 100) {
      throw new IllegalArgumentException("limit must be between 1 and 100");
    }
  }

  public static MessageQuery newest(int limit) {
    return new MessageQuery(limit, null, null, true);
  }
}
