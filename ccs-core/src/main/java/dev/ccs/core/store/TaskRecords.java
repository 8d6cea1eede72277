package dev.ccs.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.error.StaleVersionException;
import dev.ccs.core.json.Json;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskJson;
import dev.ccs.core.task.TaskStatus;
import dev.ccs.core.task.TaskStore;
import dev.ccs.core.task.TaskSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link TaskStore} over an in-memory index of {@link TaskHead}s and, when given a directory, a
 * {@link RecordJournal}: a change is one appended line and (when durable) one sync shared with
 * concurrent writers, and a task is read back from the journal, so its prompt and result take no
 * heap. Without a directory the tasks themselves are kept in memory.
 */
final class TaskRecords implements TaskStore, AutoCloseable {

  private final TaskIndex index = new TaskIndex();
  private final Object[] locks = Locks.stripes();
  private final RecordJournal<Task> journal;
  /** The tasks, when there is no journal to read them from. */
  private final Map<UUID, Task> memory;

  /** @param dir where the journal is kept, or null to keep tasks in memory only */
  TaskRecords(Path dir) throws IOException {
    memory = dir == null ? new ConcurrentHashMap<>() : null;
    journal = dir == null ? null : RecordJournal.open(dir, new RecordJournal.Loader() {
      @Override
      public void put(JsonNode record) {
        index.put(TaskHead.of(TaskJson.fromStored(record)));
      }

      @Override
      public void remove(UUID id) {
        index.remove(id);
      }
    }, task -> Json.writeBytes(TaskJson.toStored(task)), TaskJson::fromStored);
  }

  @Override
  public Task create(Task task) {
    synchronized (Locks.of(locks, task.id())) {
      if (index.get(task.id()).isPresent()) {
        throw new StaleVersionException("task " + task.id() + " already exists");
      }
      Task stored = task.toBuilder().version(1).build();
      write(stored, true);
      return stored;
    }
  }

  @Override
  public Optional<Task> get(UUID id) {
    return index.get(id).isPresent() ? read(id) : Optional.empty();
  }

  private Optional<Task> read(UUID id) {
    return memory != null ? Optional.ofNullable(memory.get(id)) : journal.read(id);
  }

  @Override
  public Task update(Task task, boolean durable) {
    synchronized (Locks.of(locks, task.id())) {
      TaskHead current = index.get(task.id()).orElseThrow(() -> new CcsException.NotFound("Task not found"));
      if (current.version() != task.version()) {
        throw new StaleVersionException("task " + task.id() + " changed concurrently (version " + current.version()
            + ", expected " + task.version() + ")");
      }
      Task stored = task.toBuilder().version(current.version() + 1).build();
      write(stored, durable);
      return stored;
    }
  }

  @Override
  public boolean delete(UUID id) {
    return delete(id, true);
  }

  @Override
  public boolean purge(UUID id) {
    return delete(id, false);
  }

  private boolean delete(UUID id, boolean durable) {
    synchronized (Locks.of(locks, id)) {
      if (index.get(id).isEmpty()) {
        return false;
      }
      if (journal == null) {
        memory.remove(id);
        index.remove(id);
      } else {
        journal.delete(id, () -> index.remove(id), durable);
      }
      return true;
    }
  }

  @Override
  public List<Task> list(TaskStatus status, int limit) {
    return read(index.list(status, task -> true, limit));
  }

  @Override
  public List<UUID> listIds(TaskStatus status, int limit) {
    return index.list(status, task -> true, limit);
  }

  @Override
  public List<UUID> listIds(TaskStatus status, int limit, dev.ccs.core.task.TaskCursor after) {
    return index.list(status, task -> true, limit, after);
  }

  @Override
  public List<UUID> deadLetterIds(int limit) {
    return index.list(TaskStatus.FAILED, TaskHead::deadLetter, limit);
  }

  @Override
  public List<UUID> deadLetterIds(int limit, dev.ccs.core.task.TaskCursor after) {
    return index.list(TaskStatus.FAILED, TaskHead::deadLetter, limit, after);
  }

  @Override
  public List<Task> all() {
    return read(index.select(task -> true));
  }

  @Override
  public List<UUID> unfinishedIds() {
    return index.select(task -> !task.status().terminal());
  }

  @Override
  public Set<UUID> sessionsOfUnfinished() {
    return index.sessionsOfUnfinished();
  }

  @Override
  public List<KeyedTask> withIdempotencyKeySince(Instant since) {
    List<KeyedTask> keyed = new ArrayList<>();
    for (UUID id : index.select(task -> task.idempotencyKey() != null && !task.createdAt().isBefore(since))) {
      index.get(id).ifPresent(head -> keyed.add(new KeyedTask(head.idempotencyKey(), id, head.createdAt())));
    }
    return keyed;
  }

  @Override
  public List<Task> deadLetters(int limit) {
    return read(index.list(TaskStatus.FAILED, TaskHead::deadLetter, limit));
  }

  @Override
  public long maxSequence() {
    return index.maxSequence();
  }

  @Override
  public TaskSummary summary() {
    return index.summary();
  }

  @Override
  public List<UUID> finishedBefore(Instant cutoff, int limit) {
    return index.finished(task -> task.completedAt() != null && task.completedAt().isBefore(cutoff), limit);
  }

  @Override
  public List<UUID> oldestFinished(Instant keyedSince, int limit) {
    return index.finished(task -> task.idempotencyKey() == null || task.createdAt().isBefore(keyedSince), limit);
  }

  @Override
  public int finishedCount() {
    return index.finishedCount();
  }

  /** The tasks of {@code ids} that still exist, in that order. */
  private List<Task> read(List<UUID> ids) {
    List<Task> tasks = new ArrayList<>(ids.size());
    for (UUID id : ids) {
      read(id).ifPresent(tasks::add);
    }
    return tasks;
  }

  private void write(Task task, boolean durable) {
    if (journal == null) {
      memory.put(task.id(), task);
      index.put(TaskHead.of(task));
    } else {
      journal.put(task.id(), task, () -> index.put(TaskHead.of(task)), durable);
    }
  }

  @Override
  public void close() {
    if (journal != null) {
      journal.close();
    }
  }
}
