package dev.ccs.core.stream;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The events of one streamed turn, kept so that any number of clients can read them: a client that
 * connects late or reconnects with the last id it saw gets what it missed, then the live tail, and
 * every client gets the terminal event. The buffer is bounded; a client too far behind is told
 * which events were dropped.
 */
public final class RunStream {

  private final String id;
  private final UUID sessionId;
  private final Instant startedAt;
  private final int maxEvents;
  private final long maxBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // Guarded by lock.
  private final Deque<StreamItem> items = new ArrayDeque<>();
  private long bufferedBytes;
  private long lastId;
  private long droppedThrough;
  private StreamStatus status = StreamStatus.STREAMING;
  private Instant finishedAt;
  private final StringBuilder content = new StringBuilder();
  private boolean contentTruncated;
  private String terminalData;
  private Runnable canceller;

  RunStream(String id, UUID sessionId, Instant startedAt, int maxEvents, long maxBytes) {
    this.id = id;
    this.sessionId = sessionId;
    this.startedAt = startedAt;
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  public String id() {
    return id;
  }

  public UUID sessionId() {
    return sessionId;
  }

  public Instant startedAt() {
    return startedAt;
  }

  /** Adds a {@code message} event; {@code text} is assistant text it carries (for {@link #content()}). */
  public void publish(String data, String text) {
    lock.lock();
    try {
      if (status != StreamStatus.STREAMING) {
        return;
      }
      add(new StreamItem(++lastId, "message", data, false));
      if (text != null && !contentTruncated) {
        // At most half of what the stream keeps: the rest is for the events themselves.
        if (content.length() + text.length() > maxBytes / 2) {
          // The text is also in the stored answer; this copy is for clients that reconnect.
          contentTruncated = true;
        } else {
          content.append(text);
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Adds a non-terminal event of another name (a task's {@code status} changes). */
  public void publishEvent(String name, String data) {
    lock.lock();
    try {
      if (status != StreamStatus.STREAMING) {
        return;
      }
      add(new StreamItem(++lastId, name, data, false));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Ends the stream with its terminal event ({@code done} or {@code error}); later calls do nothing. */
  public void finish(StreamStatus outcome, String eventName, String data, Instant now) {
    lock.lock();
    try {
      if (status != StreamStatus.STREAMING) {
        return;
      }
      status = outcome;
      finishedAt = now;
      terminalData = data;
      content.trimToSize();
      // Nothing is left to cancel; the canceller holds the run (and its process's buffers), which a
      // finished stream, kept for reconnecting clients, must not.
      canceller = null;
      // The terminal event is never dropped: it is what every client waits for.
      add(new StreamItem(++lastId, eventName, data, true));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void add(StreamItem item) {
    items.addLast(item);
    bufferedBytes += item.data().length();
    // The streamed text counts too: a stream keeps at most maxBytes in all.
    while ((items.size() > maxEvents || bufferedBytes + content.length() > maxBytes) && items.size() > 1
        && !items.peekFirst().terminal()) {
      StreamItem dropped = items.removeFirst();
      bufferedBytes -= dropped.data().length();
      droppedThrough = dropped.id();
    }
  }

  /** What to do when a client asks to stop the turn. */
  void onCancel(Runnable action) {
    lock.lock();
    try {
      canceller = action;
    } finally {
      lock.unlock();
    }
  }

  /** Cancels the turn behind the stream; false if it has already ended. */
  public boolean cancel() {
    Runnable action;
    lock.lock();
    try {
      if (status != StreamStatus.STREAMING || canceller == null) {
        return false;
      }
      action = canceller;
    } finally {
      lock.unlock();
    }
    action.run();
    return true;
  }

  /**
   * Events after {@code afterId}, waiting up to {@code timeout} for one when there is none yet.
   *
   * @return the events (empty after a timeout, so the caller can send a heartbeat); when events
   *     after {@code afterId} were dropped, the batch starts at the oldest one kept
   */
  public Batch next(long afterId, long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    lock.lock();
    try {
      while (true) {
        if (lastId > afterId) {
          List<StreamItem> batch = new ArrayList<>();
          for (StreamItem item : items) {
            if (item.id() > afterId) {
              batch.add(item);
            }
          }
          long missed = droppedThrough > afterId ? droppedThrough - afterId : 0;
          return new Batch(batch, missed);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return new Batch(List.of(), 0);
        }
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Events returned by {@link #next}; {@code missed} counts events that were dropped before them. */
  public record Batch(List<StreamItem> items, long missed) {
  }

  public StreamStatus status() {
    lock.lock();
    try {
      return status;
    } finally {
      lock.unlock();
    }
  }

  public Instant finishedAt() {
    lock.lock();
    try {
      return finishedAt;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes (characters) kept now: event data and streamed text. */
  public long bufferedBytes() {
    lock.lock();
    try {
      return bufferedBytes + content.length();
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #content()} stopped growing at the stream's byte limit. */
  public boolean contentTruncated() {
    lock.lock();
    try {
      return contentTruncated;
    } finally {
      lock.unlock();
    }
  }

  /** The assistant text streamed so far (up to the stream's byte limit). */
  public String content() {
    lock.lock();
    try {
      return content.toString();
    } finally {
      lock.unlock();
    }
  }

  /** The data of the terminal event, or null while streaming. */
  public String terminalData() {
    lock.lock();
    try {
      return terminalData;
    } finally {
      lock.unlock();
    }
  }

  public long lastId() {
    lock.lock();
    try {
      return lastId;
    } finally {
      lock.unlock();
    }
  }
}
