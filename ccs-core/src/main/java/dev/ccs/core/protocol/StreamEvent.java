package dev.ccs.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code stream_event} line ({@code --include-partial-messages}): one raw Messages-API server-sent
 * event such as {@code content_block_delta}.
 */
public record StreamEvent(String rawLine, ObjectNode json) implements ClaudeEvent {

  @Override
  public String type() {
    return "stream_event";
  }

  /** The wrapped event's own type, e.g. {@code content_block_delta}. */
  public String eventType() {
    JsonNode event = json.get("event");
    return event == null ? null : Fields.text(event, "type");
  }

  /** The text of a {@code text_delta}, or null for any other event. */
  public String textDelta() {
    JsonNode event = json.get("event");
    JsonNode delta = event == null ? null : event.get("delta");
    if (delta != null && "text_delta".equals(Fields.text(delta, "type"))) {
      return Fields.text(delta, "text");
    }
    return null;
  }
}
