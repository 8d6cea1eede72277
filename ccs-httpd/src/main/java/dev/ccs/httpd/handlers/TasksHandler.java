package dev.ccs.httpd.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.json.Json;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.task.Batch;
import dev.ccs.core.task.NewTask;
import dev.ccs.core.task.QueueStatus;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskQueue;
import dev.ccs.core.task.TaskCursor;
import dev.ccs.core.task.TaskStatus;
import dev.ccs.core.webhook.Delivery;
import dev.ccs.core.webhook.DeliveryJson;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import dev.ccs.httpd.routing.BodyFields;
import dev.ccs.httpd.routing.JsonStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** The task endpoints of the Node server, plus events, webhook deliveries, dead letters and replay. */
public final class TasksHandler {

  private static final int MAX_KEY_LENGTH = 255;

  private final Ccs ccs;
  private final StreamsHandler streams;

  public TasksHandler(Ccs ccs, StreamsHandler streams) {
    this.ccs = ccs;
    this.streams = streams;
  }

  private TaskQueue queue() {
    return ccs.tasks();
  }

  /**
   * {@code POST /api/async/messages}: 202 {@code {success, message, task_id, status, priority,
   * session_id, webhook_url}} (200 with the same body for a repeated idempotency key).
   */
  public ApiResponse asyncMessage(ApiRequest request) {
    BodyFields fields = new BodyFields(request.jsonObject());
    String prompt = fields.requiredString("prompt");
    String projectPath = fields.optionalString("project_path");
    String model = fields.optionalString("model");
    UUID sessionId = fields.optionalUuid("session_id");
    RunOptions options = RunOptionsFields.audited(request, RunOptionsFields.readAfterModel(fields, model));
    Boolean stream = fields.optionalBoolean("stream");
    Boolean async = fields.optionalBoolean("async");
    String webhookUrl = fields.optionalUri("webhook_url");
    Integer priority = fields.optionalInteger("priority", NewTask.MIN_PRIORITY, NewTask.MAX_PRIORITY);
    Integer timeoutMs = fields.optionalInteger("timeout_ms", 1, Integer.MAX_VALUE);
    ObjectNode metadata = fields.optionalObject("metadata");
    fields.rejectUnknown();
    if (Boolean.TRUE.equals(stream)) {
      throw new CcsException.InvalidRequest("\"stream\": true does not apply to a queued task: follow it as events at "
          + "GET /api/tasks/{id}/events, or stream a prompt with POST /api/messages");
    }
    if (Boolean.FALSE.equals(async)) {
      throw new CcsException.InvalidRequest("\"async\": false: a prompt answered when it ends is POST /api/messages");
    }
    TaskQueue.Submitted submitted = queue().submit(NewTask.builder(prompt).projectPath(projectPath)
        .sessionId(sessionId).options(options).priority(priority).timeout(millis(timeoutMs)).webhookUrl(webhookUrl)
        .metadata(metadata).build(), idempotencyKey(request));
    Task task = submitted.task();
    ObjectNode body = WireFormat.success();
    body.put("message", submitted.created() ? "Task created successfully" : "Task already created with this Idempotency-Key");
    body.put("task_id", task.id().toString());
    body.put("status", task.status().wireName());
    body.put("priority", task.priority());
    body.put("session_id", task.sessionId().toString());
    body.put("webhook_url", task.webhookUrl());
    return ApiResponse.json(submitted.created() ? 202 : 200, body);
  }

  /** {@code POST /api/tasks/async}: 201 {@code {success, task}}; {@code webhook_url} may sit in {@code metadata}. */
  public ApiResponse create(ApiRequest request) {
    BodyFields fields = new BodyFields(request.jsonObject());
    String prompt = fields.requiredString("prompt");
    String projectPath = fields.optionalString("project_path");
    String model = fields.optionalString("model");
    Integer priority = fields.optionalInteger("priority", NewTask.MIN_PRIORITY, NewTask.MAX_PRIORITY);
    ObjectNode metadata = fields.optionalObject("metadata");
    UUID sessionId = fields.optionalUuid("session_id");
    RunOptions options = RunOptionsFields.audited(request, RunOptionsFields.readAfterModel(fields, model));
    String webhookUrl = fields.optionalUri("webhook_url");
    Integer timeoutMs = fields.optionalInteger("timeout_ms", 1, Integer.MAX_VALUE);
    fields.rejectUnknown();
    if (webhookUrl == null && metadata != null && metadata.hasNonNull("webhook_url")) {
      // The Node server reads a task's webhook from its metadata.
      BodyFields inMetadata = new BodyFields(metadata);
      webhookUrl = inMetadata.optionalUri("webhook_url");
    }
    TaskQueue.Submitted submitted = queue().submit(NewTask.builder(prompt).projectPath(projectPath)
        .sessionId(sessionId).options(options).priority(priority).timeout(millis(timeoutMs)).webhookUrl(webhookUrl)
        .metadata(metadata).build(), idempotencyKey(request));
    return ApiResponse.json(submitted.created() ? 201 : 200,
        WireFormat.success().set("task", WireFormat.task(submitted.task())));
  }

  /** {@code GET /api/tasks?status=&limit=}, newest first. */
  public ApiResponse list(ApiRequest request) {
    Queries.onlyKnown(request, Set.of("status", "limit", "cursor"));
    TaskStatus status = status(request.query().get("status"));
    int size = Queries.pageSize(request, 1000);
    return tasks(queue().listIds(status, size + 1, cursor(request)), size);
  }

  /** {@code GET /api/tasks/dead-letter?limit=}: tasks that failed for good after their retries. */
  public ApiResponse deadLetters(ApiRequest request) {
    Queries.onlyKnown(request, Set.of("limit", "cursor"));
    int size = Queries.pageSize(request, 1000);
    return tasks(queue().deadLetterIds(size + 1, cursor(request)), size);
  }

  /** The tasks, each read as it is written: a page of large tasks is never in memory at once. */
  private ApiResponse tasks(List<UUID> ids, int size) {
    return JsonStream.list(WireFormat.success(), "tasks", Queries.page(ids, size),
        id -> queue().find(id).map(WireFormat::task),
        Queries.pageEnd(ids, size, id -> queue().find(id).map(TaskCursor::after).map(TaskCursor::encode).orElse(null)));
  }

  private static TaskCursor cursor(ApiRequest request) {
    String cursor = request.query().get("cursor");
    return cursor == null || cursor.isEmpty() ? null : TaskCursor.decode(cursor);
  }

  /** {@code GET /api/tasks/{id}}. */
  public ApiResponse get(ApiRequest request) {
    Task task = queue().get(taskId(request));
    return ApiResponse.json(200, WireFormat.success().set("task", WireFormat.task(task)));
  }

  /** {@code DELETE /api/tasks/{id}}: cancels it (a running one's process tree is ended first). */
  public ApiResponse cancel(ApiRequest request) {
    Task task = queue().cancel(taskId(request));
    ObjectNode body = WireFormat.success();
    body.put("message", "Task cancelled");
    body.set("task", WireFormat.task(task));
    return ApiResponse.json(200, body);
  }

  /** {@code PATCH /api/tasks/{id}/priority} with {@code {priority}}; only while it waits. */
  public ApiResponse setPriority(ApiRequest request) {
    UUID id = taskId(request);
    JsonNode priority = request.jsonObject().path("priority");
    if (!priority.isIntegralNumber() || !priority.canConvertToInt()) {
      throw new CcsException.InvalidRequest("Priority must be a number between " + NewTask.MIN_PRIORITY + " and "
          + NewTask.MAX_PRIORITY);
    }
    TaskQueue.PriorityChange change = queue().setPriority(id, priority.asInt());
    ObjectNode answer = WireFormat.success();
    answer.put("message", "Priority updated");
    answer.put("task_id", id.toString());
    answer.put("old_priority", change.oldPriority());
    answer.put("new_priority", change.task().priority());
    return ApiResponse.json(200, answer);
  }

  /** {@code POST /api/tasks/{id}/replay}: a failed task again, as a new task. */
  public ApiResponse replay(ApiRequest request) {
    Task task = queue().replay(taskId(request));
    return ApiResponse.json(201, WireFormat.success().set("task", WireFormat.task(task)));
  }

  /** {@code GET /api/tasks/queue/status}. */
  public ApiResponse queueStatus(ApiRequest request) {
    QueueStatus status = queue().status();
    ObjectNode queue = Json.object();
    // The Node server's fields with its types: whether the queue runs, and how many tasks run now.
    queue.put("running", status.started());
    queue.put("concurrency", status.concurrency());
    queue.put("active_tasks", status.running().size());
    ArrayNode active = queue.putArray("active_task_ids");
    status.running().forEach(id -> active.add(id.toString()));
    queue.put("total", status.total());
    for (TaskStatus s : TaskStatus.values()) {
      queue.put(s.wireName(), status.counts().get(s));
    }
    queue.put("total_cost_usd", status.totalCostUsd());
    if (status.oldestPendingAge() == null) {
      queue.putNull("oldest_pending_age_ms");
    } else {
      queue.put("oldest_pending_age_ms", status.oldestPendingAge().toMillis());
    }
    queue.put("dead_letter", status.deadLetters());
    return ApiResponse.json(200, WireFormat.success().set("queue", queue));
  }

  /** {@code GET /api/tasks/{id}/events}: status changes, CLI output and the end, as SSE with replay. */
  public ApiResponse events(ApiRequest request) {
    UUID id = taskId(request);
    Task task = queue().get(id);
    if (!task.status().terminal()) {
      // Its output is where it runs (several nodes on one database): that node answers.
      java.util.Optional<ApiResponse> there = streams.nodes().forward(request,
          ccs.cluster().flatMap(c -> c.taskOwner(id)));
      if (there.isPresent()) {
        return there.get();
      }
    }
    return streams.replay(queue().events(id), request);
  }

  /** {@code GET /api/tasks/{id}/webhooks}: every delivery of the task's events and each attempt. */
  public ApiResponse webhooks(ApiRequest request) {
    UUID id = taskId(request);
    queue().get(id);
    ObjectNode body = WireFormat.success();
    body.put("task_id", id.toString());
    ArrayNode list = body.putArray("deliveries");
    for (Delivery delivery : ccs.webhooks().deliveriesOf(id)) {
      list.add(DeliveryJson.toJson(delivery));
    }
    body.put("count", list.size());
    return ApiResponse.json(200, body);
  }

  /**
   * {@code POST /api/messages/batches}: 1-10 prompts run as tasks through the queue (so within its
   * concurrency), answered when all have ended; {@code total_duration_ms} is the batch's elapsed time.
   */
  public ApiResponse batch(ApiRequest request) {
    ObjectNode json = request.jsonObject();
    BodyFields fields = new BodyFields(json);
    List<String> prompts = fields.optionalStringArray("prompts");
    if (!json.has("prompts")) {
      throw new CcsException.InvalidRequest("\"prompts\" is required");
    }
    if (prompts.isEmpty()) {
      throw new CcsException.InvalidRequest("\"prompts\" must contain at least 1 items");
    }
    if (prompts.size() > 10) {
      throw new CcsException.InvalidRequest("\"prompts\" must contain less than or equal to 10 items");
    }
    for (int i = 0; i < prompts.size(); i++) {
      if (prompts.get(i).isEmpty()) {
        throw new CcsException.InvalidRequest("\"prompts[" + i + "]\" is not allowed to be empty");
      }
      ccs.limits().checkPrompt("prompts[" + i + "]", prompts.get(i));
    }
    String projectPath = fields.optionalString("project_path");
    String model = fields.optionalString("model");
    Integer priority = fields.optionalInteger("priority", NewTask.MIN_PRIORITY, NewTask.MAX_PRIORITY);
    fields.rejectUnknown();
    List<NewTask> requests = new ArrayList<>();
    for (String prompt : prompts) {
      requests.add(NewTask.builder(prompt).projectPath(projectPath).options(RunOptions.NONE.withModel(model))
          .priority(priority).build());
    }
    Batch batch = queue().runBatch(requests, queue().batchDeadline(requests.size()));
    ObjectNode body = WireFormat.success();
    body.put("batch_id", batch.id().toString());
    ArrayNode results = body.putArray("results");
    for (Task task : batch.tasks()) {
      ObjectNode result = results.addObject();
      boolean ok = task.status() == TaskStatus.COMPLETED;
      result.put("success", ok);
      result.put("task_id", task.id().toString());
      result.put("status", task.status().wireName());
      if (ok) {
        result.put("result", task.result());
      } else if (task.status().terminal()) {
        result.put("error", task.error());
        result.put("code", task.errorCode());
      } else {
        result.put("error", "The task had not ended when the batch's deadline passed; it goes on (GET /api/tasks/"
            + task.id() + ")");
        result.put("code", "batch_deadline");
      }
      result.put("duration_ms", task.durationMs());
      result.put("cost_usd", task.costUsd());
      result.put("session_id", task.sessionId().toString());
      result.set("usage", task.usage());
    }
    ObjectNode summary = body.putObject("summary");
    summary.put("total", batch.tasks().size());
    summary.put("successful", batch.successful());
    summary.put("failed", batch.tasks().size() - batch.successful());
    summary.put("unfinished", batch.unfinished());
    summary.put("total_cost_usd", batch.costUsd());
    summary.put("total_duration_ms", batch.elapsed().toMillis());
    return ApiResponse.json(200, body);
  }

  private static Duration millis(Integer value) {
    return value == null ? null : Duration.ofMillis(value);
  }

  private static String idempotencyKey(ApiRequest request) {
    String key = request.header("idempotency-key");
    if (key == null) {
      return null;
    }
    if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
      throw new CcsException.InvalidRequest("Idempotency-Key must be 1-" + MAX_KEY_LENGTH + " characters");
    }
    return key;
  }

  private static UUID taskId(ApiRequest request) {
    return Queries.uuid(request.pathParam("id"), "task id");
  }

  private static TaskStatus status(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    return TaskStatus.fromWireName(value).orElseThrow(() -> new CcsException.InvalidRequest(
        "\"status\" must be one of [" + String.join(", ", TaskStatus.wireNames()) + "]"));
  }
}
