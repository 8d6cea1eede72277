package dev.ccs.core.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One line of the CLI's {@code stream-json} (or {@code json}) output, typed by its {@code type}
 * field. Every event keeps the line exactly as printed ({@link #rawLine()}) and its parsed JSON
 * ({@link #json()}), so fields ccs does not model are never lost, and unknown line types arrive as
 * {@link UnknownEvent} rather than as an error.
 */
public sealed interface ClaudeEvent
    permits SystemInit, SystemEvent, AssistantMessage, UserMessage, StreamEvent, ResultMessage,
    UnknownEvent, NonJsonLine {

  /** The line as the CLI printed it, without the line feed. */
  String rawLine();

  /** The parsed line; an empty object for {@link NonJsonLine}. */
  ObjectNode json();

  /** The {@code type} field ({@code system}, {@code assistant}, ...). */
  String type();

  /** The CLI session id the line carries, or null. */
  default String sessionId() {
    var node = json().get("session_id");
    return node == null || !node.isTextual() ? null : node.asText();
  }
}
