package dev.ccs.httpd.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.compat.ChatMessage;
import dev.ccs.core.error.CcsException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI chat completion request, read: the model, the system prompt ({@code system} and
 * {@code developer} messages, joined), the user and assistant messages as text, and the streaming
 * options. Client-defined tools are refused (Claude Code runs its own); content parts other than
 * text are refused; fields that change nothing here are ignored with a debug log, as OpenAI
 * clients send many.
 */
record ChatRequest(String model, String system, List<ChatMessage> messages, boolean stream, boolean includeUsage) {

  private static final Logger LOG = LoggerFactory.getLogger(ChatRequest.class);
  private static final Set<String> KNOWN = Set.of("model", "messages", "stream", "stream_options", "user", "metadata",
      "session_id",
      "max_tokens", "max_completion_tokens", "temperature", "top_p", "n", "presence_penalty", "frequency_penalty",
      "stop", "seed", "logit_bias", "store", "parallel_tool_calls", "service_tier", "tools", "tool_choice",
      "functions", "function_call", "response_format", "logprobs", "top_logprobs", "reasoning_effort", "modalities",
      "audio", "prediction", "web_search_options");

  static ChatRequest read(JsonNode body) {
    if (!body.isObject()) {
      throw invalid("the body must be a JSON object", null);
    }
    for (String field : List.of("tools", "functions", "tool_choice", "function_call")) {
      JsonNode value = body.get(field);
      if (value != null && !value.isNull() && !(value.isArray() && value.isEmpty())
          && !(value.isTextual() && value.asText().equals("none"))) {
        throw invalid("\"" + field + "\" is not supported: Claude Code runs its own tools (file edits, shell, search) "
            + "and answers with the final text; client-defined tools cannot be called", field);
      }
    }
    if (body.path("n").canConvertToInt() && body.path("n").asInt() != 1) {
      throw invalid("\"n\" must be 1: one answer per request", "n");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!KNOWN.contains(field) || Set.of("max_tokens", "max_completion_tokens", "temperature", "top_p", "user",
          "metadata").contains(field)) {
        LOG.debug("chat completion field \"{}\" is ignored (the CLI has no such option)", field);
      }
    }
    JsonNode model = body.get("model");
    if (model == null || !model.isTextual() || model.asText().isBlank()) {
      throw invalid("\"model\" is required (GET /v1/models lists them)", "model");
    }
    JsonNode list = body.get("messages");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw invalid("\"messages\" must be a non-empty array", "messages");
    }
    StringBuilder system = new StringBuilder();
    List<ChatMessage> messages = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode message = list.get(i);
      String role = message.path("role").asText("");
      String text = text(message.get("content"), "messages[" + i + "].content");
      switch (role) {
        case "system", "developer" -> system.append(system.length() == 0 ? "" : "\n\n").append(text);
        case "user", "assistant" -> messages.add(new ChatMessage(role, text));
        case "tool", "function" -> throw invalid("messages[" + i + "] has role \"" + role + "\": client-defined tools "
            + "are not supported", "messages");
        default -> throw invalid("messages[" + i + "].role must be system, developer, user or assistant", "messages");
      }
    }
    JsonNode stream = body.get("stream");
    if (stream != null && !stream.isNull() && !stream.isBoolean()) {
      throw invalid("\"stream\" must be true or false", "stream");
    }
    return new ChatRequest(model.asText(), system.length() == 0 ? null : system.toString(), messages,
        stream != null && stream.asBoolean(), body.at("/stream_options/include_usage").asBoolean(false));
  }

  /** A message's content: a string, or an array of parts of which only text parts are taken. */
  private static String text(JsonNode content, String where) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (!content.isArray()) {
      throw invalid(where + " must be a string or an array of content parts", "messages");
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode part : content) {
      String type = part.path("type").asText("");
      if (!type.equals("text")) {
        throw invalid(where + " has a part of type \"" + type + "\": only text parts are supported (the CLI's "
            + "print mode takes text)", "messages");
      }
      text.append(text.length() == 0 ? "" : "\n").append(part.path("text").asText());
    }
    return text.toString();
  }

  static CcsException.InvalidRequest invalid(String message, String param) {
    return new CcsException.InvalidRequest(param == null ? "invalid_request_error" : "invalid_value", message);
  }
}
