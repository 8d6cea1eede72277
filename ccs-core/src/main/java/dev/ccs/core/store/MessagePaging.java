package dev.ccs.core.store;

import dev.ccs.core.session.MessagePage;
import dev.ccs.core.session.MessageQuery;
import dev.ccs.core.session.StoredMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Pages over a history held oldest first: {@code before_id} keeps the messages older than it,
 * {@code after_id} those newer; the rest is ordered as asked and cut at the limit.
 */
final class MessagePaging {

  private MessagePaging() {
  }

  static MessagePage page(List<StoredMessage> history, MessageQuery query) {
    int from = 0;
    int to = history.size();
    if (query.beforeId() != null) {
      to = indexOf(history, query.beforeId(), "before_id");
    }
    if (query.afterId() != null) {
      from = indexOf(history, query.afterId(), "after_id") + 1;
    }
    List<StoredMessage> selected = from >= to ? List.of() : new ArrayList<>(history.subList(from, to));
    if (query.newestFirst()) {
      Collections.reverse(selected);
    }
    boolean hasMore = selected.size() > query.limit();
    List<StoredMessage> page = hasMore ? selected.subList(0, query.limit()) : selected;
    return new MessagePage(page, hasMore, history.size());
  }

  private static int indexOf(List<StoredMessage> history, String id, String parameter) {
    for (int i = 0; i < history.size(); i++) {
      if (history.get(i).id().equals(id)) {
        return i;
      }
    }
    throw new IllegalArgumentException("\"" + parameter + "\" " + id + " is not a message of this session");
  }
}
