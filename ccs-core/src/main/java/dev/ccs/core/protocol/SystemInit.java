package dev.ccs.core.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** The {@code system}/{@code init} line that opens a {@code stream-json} run. */
public record SystemInit(String rawLine, ObjectNode json) implements ClaudeEvent {

  @Override
  public String type() {
    return "system";
  }

  public String model() {
    return Fields.text(json, "model");
  }

  public String cwd() {
    return Fields.text(json, "cwd");
  }

  public String permissionMode() {
    return Fields.text(json, "permissionMode");
  }

  /** The version of the CLI that printed the line, e.g. {@code 2.1.330}. */
  public String claudeCodeVersion() {
    return Fields.text(json, "claude_code_version");
  }

  public List<String> tools() {
    List<String> tools = new ArrayList<>();
    var node = json.get("tools");
    if (node != null && node.isArray()) {
      node.forEach(t -> tools.add(t.asText()));
    }
    return tools;
  }
}
