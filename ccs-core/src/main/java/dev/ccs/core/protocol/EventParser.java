package dev.ccs.core.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;

/** Turns one output line of the CLI into a {@link ClaudeEvent}; never throws on odd input. */
public final class EventParser {

  private EventParser() {
  }

  public static ClaudeEvent parse(String line) {
    String trimmed = line.strip();
    if (!trimmed.startsWith("{")) {
      return new NonJsonLine(line);
    }
    JsonNode node;
    try {
      node = Json.parse(trimmed);
    } catch (JsonProcessingException e) {
      return new NonJsonLine(line);
    }
    if (!(node instanceof ObjectNode json)) {
      return new NonJsonLine(line);
    }
    String type = Fields.text(json, "type");
    if (type == null) {
      return new UnknownEvent(line, json);
    }
    switch (type) {
      case "system":
        return "init".equals(Fields.text(json, "subtype"))
            ? new SystemInit(line, json) : new SystemEvent(line, json);
      case "assistant":
        return new AssistantMessage(line, json);
      case "user":
        return new UserMessage(line, json);
      case "stream_event":
        return new StreamEvent(line, json);
      case "result":
        return ResultMessage.from(line, json);
      default:
        return new UnknownEvent(line, json);
    }
  }
}
