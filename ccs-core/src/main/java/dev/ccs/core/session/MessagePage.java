package dev.ccs.core.session;

import java.util.List;

/**
 * A page of messages.
 *
 * @param messages in the order asked for
 * @param hasMore whether more messages match beyond this page
 * @param total messages of the session
 */
public record MessagePage(List<StoredMessage> messages, boolean hasMore, int total) {

  /**
   * What a page holds at most, counted in characters of content (it always holds at least one
   * message): a client asking for 100 messages of a session with large prompts gets fewer, with
   * {@code has_more}, and asks again. Every store pages by this bound.
   */
  public static final long MAX_BYTES = 4L << 20;

  public MessagePage {
    messages = List.copyOf(messages);
  }

  public String firstId() {
    return messages.isEmpty() ? null : messages.get(0).id();
  }

  public String lastId() {
    return messages.isEmpty() ? null : messages.get(messages.size() - 1).id();
  }
}
