package dev.ccs.core.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A {@code user} line: tool results the CLI fed back to the model, or an interruption note. */
public record UserMessage(String rawLine, ObjectNode json) implements ClaudeEvent {

  @Override
  public String type() {
    return "user";
  }
}
