package dev.ccs.core.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code system} line other than {@code init}: {@code api_retry}, {@code status},
 * {@code permission_denied}, {@code compact_boundary}, and whatever later CLIs add.
 */
public record SystemEvent(String rawLine, ObjectNode json) implements ClaudeEvent {

  @Override
  public String type() {
    return "system";
  }

  public String subtype() {
    return Fields.text(json, "subtype");
  }
}
