package dev.ccs.core.task;

import dev.ccs.core.json.Json;
import dev.ccs.core.stream.RunStream;
import dev.ccs.core.stream.StreamRegistry;
import dev.ccs.core.stream.StreamStatus;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each task's event stream: its status changes, its CLI output, and its end. A stream is kept
 * while its task lives and for the registry's retention after it ended; a finished task read after
 * a restart gets one made from its record.
 */
final class TaskStreams {

  private final StreamRegistry streams;
  private final Clock clock;
  private final Map<UUID, RunStream> events = new ConcurrentHashMap<>();

  TaskStreams(StreamRegistry streams, Clock clock) {
    this.streams = streams;
    this.clock = clock;
  }

  RunStream of(Task task) {
    RunStream existing = events.get(task.id());
    if (existing != null) {
      return existing;
    }
    RunStream created = streams.detached("task_" + task.id(), task.sessionId());
    boolean finished = task.status().terminal();
    if (finished) {
      // Known only from the record (a finished task after a restart): its status and its end.
      created.publishEvent("status", TaskPayloads.status(task));
      created.finish(task.status() == TaskStatus.COMPLETED ? StreamStatus.COMPLETED : StreamStatus.FAILED,
          task.status() == TaskStatus.COMPLETED ? "done" : "error", Json.write(TaskJson.toJson(task)), clock.instant());
    }
    RunStream raced = events.putIfAbsent(task.id(), created);
    if (raced != null) {
      return raced;
    }
    if (finished) {
      // Outside any map operation: retiring it may forget an older stream, which removes that from the map.
      streams.retire(created, forgetter(task.id(), created));
    }
    return created;
  }

  void publishStatus(Task task) {
    of(task).publishEvent("status", TaskPayloads.status(task));
  }

  /** Ends the stream of a task that has ended: {@code done} with the task, or {@code error}. */
  void finish(Task task) {
    RunStream stream = of(task);
    TaskStatus status = task.status();
    streams.finish(stream, status == TaskStatus.COMPLETED ? StreamStatus.COMPLETED
        : status == TaskStatus.CANCELLED ? StreamStatus.CANCELLED : StreamStatus.FAILED,
        status == TaskStatus.COMPLETED ? "done" : "error", Json.write(TaskJson.toJson(task)),
        forgetter(task.id(), stream));
  }

  boolean isOpen(UUID id) {
    return events.containsKey(id);
  }

  /** As {@link #finish}, for a stream this node has (a task another node ended); none is made for it. */
  void finishIfOpen(Task task) {
    if (events.containsKey(task.id())) {
      finish(task);
    }
  }

  /** Drops a task's stream when the registry forgets it (capturing the id, not the task and its prompt). */
  private Runnable forgetter(UUID id, RunStream stream) {
    return () -> events.remove(id, stream);
  }
}
