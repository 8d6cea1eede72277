package dev.ccs.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.CcsException;
import dev.ccs.core.internal.Json;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskJson;
import dev.ccs.core.task.TaskStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link TaskStore} over an in-memory index and, when given a directory, a {@link RecordJournal}:
 * a change is one appended line and (when durable) one sync shared with concurrent writers.
 */
final class TaskRecords implements TaskStore, AutoCloseable {

  private final TaskIndex index = new TaskIndex();
  private final Object[] locks = Locks.stripes();
  private final RecordJournal<Task> journal;

  /** @param dir where the journal is kept, or null to keep tasks in memory only */
  TaskRecords(Path dir) throws IOException {
    journal = dir == null ? null : RecordJournal.open(dir, new RecordJournal.Loader() {
      @Override
      public void put(JsonNode record) {
        index.put(TaskJson.fromStored(record));
      }

      @Override
      public void remove(UUID id) {
        index.remove(id);
      }
    }, task -> Json.writeBytes(TaskJson.toStored(task)), index::all, index::size);
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
    return index.get(id);
  }

  @Override
  public Task update(Task task, boolean durable) {
    synchronized (Locks.of(locks, task.id())) {
      Task current = index.get(task.id()).orElseThrow(() -> new CcsException.NotFound("Task not found"));
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
    synchronized (Locks.of(locks, id)) {
      boolean existed = index.get(id).isPresent();
      if (!existed) {
        return false;
      }
      if (journal == null) {
        index.remove(id);
      } else {
        journal.delete(id, () -> index.remove(id), true);
      }
      return true;
    }
  }

  @Override
  public List<Task> list(TaskStatus status, int limit) {
    return index.list(status, limit);
  }

  @Override
  public List<Task> all() {
    return index.all();
  }

  @Override
  public TaskSummary summary() {
    return index.summary();
  }

  @Override
  public List<Task> finishedBefore(Instant cutoff, int limit) {
    return index.finishedBefore(cutoff, limit);
  }

  private void write(Task task, boolean durable) {
    if (journal == null) {
      index.put(task);
    } else {
      journal.put(task, () -> index.put(task), durable);
    }
  }

  @Override
  public void close() {
    if (journal != null) {
      journal.close();
    }
  }
}
