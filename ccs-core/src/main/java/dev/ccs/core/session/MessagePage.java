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
