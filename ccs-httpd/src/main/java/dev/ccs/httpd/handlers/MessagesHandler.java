package dev.ccs.httpd.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.message.MessageRequest;
import dev.ccs.core.message.MessageResult;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.session.Session;
import dev.ccs.core.task.NewTask;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import dev.ccs.httpd.routing.BodyFields;
import java.util.UUID;

/**
 * {@code POST /api/messages}: one prompt, answered when the run ends; with {@code stream: true} as
 * server-sent events (as {@code continue/stream}, in the given or a new session); with
 * {@code async: true} queued as a task (as {@code POST /api/async/messages}, the Node server's
 * {@code /api/claude} did the same).
 */
public final class MessagesHandler {

  private final Ccs ccs;
  private final StreamsHandler streams;
  private final TasksHandler tasks;

  public MessagesHandler(Ccs ccs, StreamsHandler streams, TasksHandler tasks) {
    this.ccs = ccs;
    this.streams = streams;
    this.tasks = tasks;
  }

  public ApiResponse send(ApiRequest request) {
    JsonNode async = request.jsonObject().get("async");
    if (async != null && async.isBoolean() && async.booleanValue()) {
      return tasks.asyncMessage(request);
    }
    BodyFields fields = new BodyFields(request.jsonObject());
    String prompt = fields.requiredString("prompt");
    String projectPath = fields.optionalString("project_path");
    // The Node server's schema order: prompt, project_path, model, session_id, system_prompt, ...
    String model = fields.optionalString("model");
    UUID sessionId = fields.optionalUuid("session_id");
    RunOptions options = RunOptionsFields.audited(request, RunOptionsFields.readAfterModel(fields, model));
    Boolean stream = fields.optionalBoolean("stream");
    fields.optionalBoolean("async");
    String webhookUrl = fields.optionalUri("webhook_url");
    Integer priority = fields.optionalInteger("priority", NewTask.MIN_PRIORITY, NewTask.MAX_PRIORITY);
    fields.rejectUnknown();
    if (webhookUrl != null || priority != null) {
      throw new CcsException.InvalidRequest("\"" + (webhookUrl != null ? "webhook_url" : "priority")
          + "\" applies to queued tasks only: send \"async\": true, or use POST /api/async/messages");
    }
    if (Boolean.TRUE.equals(stream)) {
      ccs.limits().checkPrompt(prompt);
      ccs.limits().checkOptions(options);
      Session session = ccs.sessions().sessionForMessage(projectPath, sessionId, model);
      try {
        return streams.start(session.id(), prompt, options);
      } catch (RuntimeException e) {
        if (sessionId == null) {
          ccs.sessions().discardUnused(session.id());
        }
        throw e;
      }
    }
    MessageResult result = ccs.send(new MessageRequest(prompt, projectPath, sessionId, options));
    return ApiResponse.json(200, WireFormat.messageResult(result));
  }
}
