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
    if (node.path("options").path("mcp_config").asText("").trim().startsWith("{")) {
      ((ObjectNode) node.get("options")).put("mcp_config", "(inline config, not shown)");
    }
    return node;
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
