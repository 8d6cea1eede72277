package dev.ccs.core.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A JSON line of a type ccs does not model ({@code rate_limit_event}, {@code tool_progress}, ...). */
public record UnknownEvent(String rawLine, ObjectNode json) implements ClaudeEvent {

  @Override
  public String type() {
    String type = Fields.text(json, "type");
    return type == null ? "unknown" : type;
  }
}
