package dev.ccs.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An {@code assistant} line: one content block (text, thinking, tool_use, ...) of a model reply.
 * Several lines of one reply share {@link #messageId()} and repeat the same usage, whose
 * {@code output_tokens} is a placeholder: count tokens from the {@link ResultMessage}, not here.
 */
public record AssistantMessage(String rawLine, ObjectNode json) implements ClaudeEvent {

  @Override
  public String type() {
    return "assistant";
  }

  private JsonNode message() {
    JsonNode message = json.get("message");
    return message == null ? json.objectNode() : message;
  }

  public String messageId() {
    return Fields.text(message(), "id");
  }

  public String model() {
    return Fields.text(message(), "model");
  }

  /** The content blocks, as the CLI printed them. */
  public JsonNode content() {
    JsonNode content = message().get("content");
    return content == null ? json.arrayNode() : content;
  }

  /** The text of the {@code text} blocks, concatenated; empty when there are none. */
  public String text() {
    StringBuilder text = new StringBuilder();
    for (JsonNode block : content()) {
      if ("text".equals(Fields.text(block, "type"))) {
        text.append(Fields.text(block, "text") == null ? "" : Fields.text(block, "text"));
      }
    }
    return text.toString();
  }

  /** The text of the {@code thinking} blocks, concatenated. */
  public String thinking() {
    StringBuilder text = new StringBuilder();
    for (JsonNode block : content()) {
      if ("thinking".equals(Fields.text(block, "type")) && Fields.text(block, "thinking") != null) {
        text.append(Fields.text(block, "thinking"));
      }
    }
    return text.toString();
  }

  /** Subagent traffic carries the id of the tool call that started the subagent. */
  public String parentToolUseId() {
    return Fields.text(json, "parent_tool_use_id");
  }

  /** True for the synthetic message the CLI prints when the API answered with an error. */
  public boolean isApiError() {
    JsonNode flag = json.get("is_api_error_message");
    return flag != null && flag.asBoolean(false);
  }
}
