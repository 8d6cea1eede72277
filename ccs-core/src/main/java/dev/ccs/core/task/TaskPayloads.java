package dev.ccs.core.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;

/** What a task's event stream and its webhooks carry, one shape per event. */
final class TaskPayloads {

  private TaskPayloads() {
  }

  /** A {@code status} event of the task's stream. */
  static String status(Task task) {
    return Json.write(Json.object().put("task_id", task.id().toString()).put("status", task.status().wireName())
        .put("attempts", task.attempts()));
  }

  /** The {@code data} of {@code task.started}. */
  static ObjectNode started(Task task) {
    ObjectNode data = Json.object();
    data.put("task_id", task.id().toString());
    data.put("status", task.status().wireName());
    data.put("prompt", task.prompt());
    data.put("model", task.options().model());
    data.put("project_path", task.projectPath());
    data.put("priority", task.priority());
    data.put("created_at", task.createdAt().toString());
    data.put("started_at", task.startedAt().toString());
    data.put("session_id", task.sessionId().toString());
    data.put("attempt", task.attempts());
    return data;
  }

  /** The webhook event of a task's end. */
  static String terminalEvent(TaskStatus status) {
    return switch (status) {
      case COMPLETED -> "task.completed";
      case CANCELLED -> "task.cancelled";
      case TIMEOUT -> "task.timeout";
      default -> "task.failed";
    };
  }

  /** The {@code data} of {@link #terminalEvent}. */
  static ObjectNode terminal(Task task) {
    ObjectNode data = Json.object();
    data.put("task_id", task.id().toString());
    data.put("status", task.status().wireName());
    data.put("session_id", task.sessionId().toString());
    data.put("cost_usd", task.costUsd());
    if (task.durationMs() != null) {
      data.put("duration_ms", task.durationMs());
    }
    switch (task.status()) {
      case COMPLETED -> {
        data.put("result", task.result());
        data.set("usage", task.usage());
      }
      case FAILED -> {
        data.put("error", task.error());
        data.put("code", task.errorCode());
        data.put("attempts", task.attempts());
        data.put("dead_letter", task.deadLetter());
      }
      case TIMEOUT -> data.put("error", task.error());
      default -> { }
    }
    return data;
  }
}
