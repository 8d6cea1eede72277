package dev.ccs.httpd.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.config.McpConfig;
import dev.ccs.core.run.McpCatalog;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import java.util.Set;

/** {@code GET /api/mcp}: the configured MCP servers by name and transport, and the request policy. */
public final class McpHandler {

  private final Ccs ccs;

  public McpHandler(Ccs ccs) {
    this.ccs = ccs;
  }

  public ApiResponse list(ApiRequest request) {
    Queries.onlyKnown(request, Set.of());
    McpConfig mcp = ccs.config().mcp();
    ObjectNode body = WireFormat.success();
    body.put("enabled", mcp.enabled());
    body.put("strict", mcp.strict());
    body.put("allow_request_config", mcp.allowRequestConfig());
    ArrayNode configs = body.putArray("configs");
    for (McpCatalog.ConfigFile file : McpCatalog.list(mcp)) {
      ObjectNode node = configs.addObject();
      node.put("name", file.name());
      node.put("used_by_default", file.usedByDefault());
      ArrayNode servers = node.putArray("servers");
      file.servers().forEach(s -> servers.addObject().put("name", s.name()).put("transport", s.transport()));
      if (file.problem() != null) {
        node.put("problem", file.problem());
      }
    }
    return ApiResponse.json(200, body);
  }
}
