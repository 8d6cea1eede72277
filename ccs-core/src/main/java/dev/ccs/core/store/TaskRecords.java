package dev.ccs.core.store;

import dev.ccs.core.CcsException;
import dev.ccs.core.internal.Json;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskJson;
import dev.ccs.core.task.TaskStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link TaskStore} over an in-memory index and, when given a directory, one durable file per task. */
final class TaskRecords implements TaskStore {

  private final TaskIndex index = new TaskIndex();
  private final Object[] locks = Locks.stripes();
  private final RecordDirectory files;

  /** @param files where tasks are written, or null to keep them in memory only */
  TaskRecords(RecordDirectory files) throws IOException {
    this.files = files;
    if (files != null) {
      files.load((id, json) -> index.put(TaskJson.fromStored(json)));
    }
  }

  @Override
  public Task create(Task task) {
    synchronized (Locks.of(locks, task.id())) {
      if (index.get(task.id()).isPresent()) {
        throw new StaleVersionException("task " + task.id() + " already exists");
      }
      Task stored = task.toBuilder().version(1).build();
      write(stored);
      index.put(stored);
      return stored;
    }
  }

  @Override
  public Optional<Task> get(UUID id) {
    return index.get(id);
  }

  @Override
  public Task update(Task task) {
    synchronized (Locks.of(locks, task.id())) {
      Task current = index.get(task.id()).orElseThrow(() -> new CcsException.NotFound("Task not found"));
      if (current.version() != task.version()) {
        throw new StaleVersionException("task " + task.id() + " changed concurrently (version " + current.version()
            + ", expected " + task.version() + ")");
      }
      Task stored = task.toBuilder().version(current.version() + 1).build();
      write(stored);
      index.put(stored);
      return stored;
    }
  }

  @Override
  public boolean delete(UUID id) {
    synchronized (Locks.of(locks, id)) {
      boolean existed = index.get(id).isPresent();
      if (files != null) {
        files.delete(id);
      }
      index.remove(id);
      return existed;
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
  public List<Task> finishedBefore(Instant cutoff, int limit) {
    return index.finishedBefore(cutoff, limit);
  }

  private void write(Task task) {
    if (files != null) {
      files.write(task.id(), Json.writeBytes(TaskJson.toStored(task)), true);
    }
  }
}
