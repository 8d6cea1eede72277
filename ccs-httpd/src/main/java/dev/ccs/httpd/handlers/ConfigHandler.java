package dev.ccs.httpd.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.config.ConfigRedaction;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import java.util.Set;

/** {@code GET /api/config}: the effective config with every secret hidden (Node defect #5). */
public final class ConfigHandler {

  private final Ccs ccs;

  public ConfigHandler(Ccs ccs) {
    this.ccs = ccs;
  }

  public ApiResponse config(ApiRequest request) {
    Queries.onlyKnown(request, Set.of());
    ObjectNode body = WireFormat.success();
    body.set("config", ConfigRedaction.redacted(ccs.config()));
    // Settings changed in the file that only a restart applies: none until the config is reloaded live.
    body.putArray("pending_restart");
    return ApiResponse.json(200, body);
  }
}
