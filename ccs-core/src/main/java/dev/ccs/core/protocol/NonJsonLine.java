package dev.ccs.core.protocol;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A line that is not a JSON object: debug output some CLI builds print on stdout, or a line cut by
 * a crash. Kept for diagnostics, never fatal.
 */
public record NonJsonLine(String rawLine) implements ClaudeEvent {

  @Override
  public ObjectNode json() {
    return JsonNodeFactory.instance.objectNode();
  }

  @Override
  public String type() {
    return "non_json";
  }
}
