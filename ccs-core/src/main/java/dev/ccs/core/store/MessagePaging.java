package dev.ccs.core.store;

import dev.ccs.core.session.MessagePage;
import dev.ccs.core.session.MessageQuery;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Pages over a history offered oldest first, one message at a time, keeping only the page:
 * {@code before_id} keeps the messages older than it, {@code after_id} those newer; the rest is
 * ordered as asked and cut at the limit, or once it holds {@link #MAX_PAGE_BYTES}. A page over a
 * long history therefore costs what the page holds, never what the history holds.
 *
 * @param <T> what a kept message is (a parsed message, or the stored line it is parsed from later)
 */
final class MessagePaging<T> {

  /** {@link MessagePage#MAX_BYTES}. */
  static final long MAX_PAGE_BYTES = MessagePage.MAX_BYTES;

  /** A page before its messages are read: what to read, in the order asked, and the counts. */
  record Selection<T>(List<T> items, boolean hasMore, int total) {
  }

  private final MessageQuery query;
  private final long maxBytes;
  private final ArrayDeque<T> kept = new ArrayDeque<>();
  private final ArrayDeque<Long> keptSizes = new ArrayDeque<>();
  private long keptBytes;
  private int total;
  private boolean afterSeen;
  private boolean beforeSeen;
  private boolean hasMore;

  MessagePaging(MessageQuery query) {
    this(query, MAX_PAGE_BYTES);
  }

  MessagePaging(MessageQuery query, long maxBytes) {
    this.query = query;
    this.maxBytes = maxBytes;
  }

  /**
   * Whether the next message would be kept (so that a caller reading raw lines decodes only those):
   * it falls between the cursors and, oldest first, the page is not full yet.
   */
  boolean wants(String id) {
    if (id.equals(query.beforeId()) || id.equals(query.afterId())) {
      return false;
    }
    boolean inRange = (query.afterId() == null || afterSeen) && !beforeSeen;
    return inRange && (query.newestFirst() || !full());
  }

  /** The next message of the history; {@code item} is null when {@link #wants} said no. */
  void offer(String id, T item, long bytes) {
    total++;
    if (id.equals(query.beforeId())) {
      beforeSeen = true;
      afterSeen |= id.equals(query.afterId());
      return;
    }
    if (id.equals(query.afterId())) {
      afterSeen = true;
      return;
    }
    if ((query.afterId() != null && !afterSeen) || beforeSeen) {
      return;
    }
    if (!query.newestFirst()) {
      if (full()) {
        hasMore = true;
      } else {
        keep(item, bytes);
      }
      return;
    }
    keep(item, bytes);
    // Newest first: the page is the last messages of the range, so older ones make room, down to
    // what a page holds oldest first: messages until the one that reaches the budget.
    while (kept.size() > query.limit() || keptBytes - keptSizes.peekFirst() >= maxBytes) {
      kept.removeFirst();
      keptBytes -= keptSizes.removeFirst();
      hasMore = true;
    }
  }

  private boolean full() {
    return kept.size() >= query.limit() || (!kept.isEmpty() && keptBytes >= maxBytes);
  }

  private void keep(T item, long bytes) {
    kept.addLast(item);
    keptSizes.addLast(bytes);
    keptBytes += bytes;
  }

  /** @throws IllegalArgumentException when a cursor is not a message of the history */
  Selection<T> finish() {
    if (query.afterId() != null && !afterSeen) {
      throw unknown(query.afterId(), "after_id");
    }
    if (query.beforeId() != null && !beforeSeen) {
      throw unknown(query.beforeId(), "before_id");
    }
    List<T> items = new ArrayList<>(kept);
    if (query.newestFirst()) {
      Collections.reverse(items);
    }
    return new Selection<>(items, hasMore, total);
  }

  private static IllegalArgumentException unknown(String id, String parameter) {
    return new IllegalArgumentException("\"" + parameter + "\" " + id + " is not a message of this session");
  }
}
