package dev.ccs.httpd.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import dev.ccs.core.message.MessageResult;
import dev.ccs.core.protocol.Usage;

/** Core values as the Node server's JSON shapes (snake_case). */
final class WireFormat {

  private WireFormat() {
  }

  /** The envelope of every successful answer: {@code {"success": true, ...}}. */
  static ObjectNode success() {
    return Json.object().put("success", true);
  }

  /**
   * A task as the API shows it: an inline MCP config, which holds its servers' tokens as often as
   * not, is stored to be run but never shown.
   */
  static ObjectNode task(dev.ccs.core.task.Task task) {
    ObjectNode node = dev.ccs.core.task.TaskJson.toJson(task);
    ObjectNode options = (ObjectNode) node.get("options");
    if (options.path("mcp_config").asText("").trim().startsWith("{")) {
      options.put("mcp_config", "(inline config, not shown)");
    }
    nodePlacement(node, options);
    return node;
  }

  /**
   * The Node server kept a task's session, webhook and run options under {@code metadata}, where its
   * clients read them: they are there too (never a provider's credentials), beside the client's own
   * metadata, whose keys win.
   */
  private static void nodePlacement(ObjectNode task, ObjectNode options) {
    ObjectNode metadata = task.get("metadata") instanceof ObjectNode own ? own : Json.object();
    metadata.putIfAbsent("session_id", task.get("session_id"));
    metadata.putIfAbsent("webhook_url", task.get("webhook_url"));
    for (String field : new String[] {"system_prompt", "max_budget_usd", "allowed_tools", "disallowed_tools",
        "agent", "mcp_config", "permission_mode"}) {
      if (options.has(field)) {
        metadata.putIfAbsent(field, options.get(field).deepCopy());
      }
    }
    task.set("metadata", metadata);
  }

  /** {@code {success, result, duration_ms, cost_usd, session_id, usage}} plus what ccs adds. */
  static ObjectNode messageResult(MessageResult result) {
    ObjectNode node = Json.object();
    node.put("success", true);
    node.put("result", result.result());
    node.put("duration_ms", result.duration().toMillis());
    node.put("cost_usd", result.costUsd());
    node.put("session_id", result.sessionId());
    node.set("usage", result.usage().toJson());
    node.put("num_turns", result.numTurns());
    node.put("model", result.model());
    node.put("total_cost_usd", result.cliResult().totalCostUsd());
    node.set("permission_denials", result.cliResult().json().path("permission_denials").deepCopy());
    return node;
  }
}
