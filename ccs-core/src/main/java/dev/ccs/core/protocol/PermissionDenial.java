package dev.ccs.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** A tool call the CLI refused to run (no permission rule allowed it). */
public record PermissionDenial(String toolName, String toolUseId, JsonNode toolInput) {

  static PermissionDenial from(JsonNode node) {
    return new PermissionDenial(Fields.text(node, "tool_name"), Fields.text(node, "tool_use_id"),
        node.get("tool_input"));
  }
}
