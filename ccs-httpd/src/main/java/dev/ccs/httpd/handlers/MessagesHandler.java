package dev.ccs.httpd.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.message.MessageRequest;
import dev.ccs.core.message.MessageResult;
import dev.ccs.core.run.RunOptions;
import dev.ccs.httpd.routing.ApiError;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import dev.ccs.httpd.routing.BodyFields;
import java.util.UUID;

/** {@code POST /api/messages}: one prompt, answered synchronously. */
public final class MessagesHandler {

  private final Ccs ccs;

  public MessagesHandler(Ccs ccs) {
    this.ccs = ccs;
  }

  public ApiResponse send(ApiRequest request) {
    ObjectNode body = request.jsonObject();
    BodyFields fields = new BodyFields(body);
    String prompt = fields.requiredString("prompt");
    String projectPath = fields.optionalString("project_path");
    UUID sessionId;
    RunOptions options;
    // The Node server's schema order: prompt, project_path, model, session_id, system_prompt, ...
    String model = fields.optionalString("model");
    sessionId = fields.optionalUuid("session_id");
    RunOptions read = RunOptionsFields.read(fields, false, true);
    options = new RunOptions(model, read.systemPrompt(), read.appendSystemPrompt(), read.maxBudgetUsd(),
        read.maxTurns(), read.allowedTools(), read.disallowedTools(), read.agent(), read.mcpConfig(),
        read.permissionMode());
    Boolean stream = fields.optionalBoolean("stream");
    fields.optionalBoolean("async");
    fields.optionalUri("webhook_url");
    fields.optionalInteger("priority", 1, 10);
    fields.rejectUnknown();
    if (Boolean.TRUE.equals(stream)) {
      throw new ApiError(501, "not_implemented", "Streaming is not yet implemented on this endpoint; "
          + "use POST /api/sessions/{id}/continue/stream");
    }
    MessageResult result = ccs.send(new MessageRequest(prompt, projectPath, sessionId, options));
    return ApiResponse.json(200, WireFormat.messageResult(result));
  }
}
