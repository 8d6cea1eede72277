package dev.ccs.httpd.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.config.ConfigRedaction;
import dev.ccs.core.config.ConfigSources;
import dev.ccs.core.config.LoadedConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.httpd.reload.ConfigReloader;
import dev.ccs.httpd.routing.ApiError;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code GET /api/config}: the config in force with every secret hidden (Node defect #5), where each
 * value comes from, and what waits for a restart. {@code POST /api/config/reload}: read the file now.
 */
public final class ConfigHandler {

  private final Ccs ccs;
  private final Supplier<ConfigReloader> reloader;

  /** @param reloader the server's config file watcher, or null inside when the config came from code */
  public ConfigHandler(Ccs ccs, Supplier<ConfigReloader> reloader) {
    this.ccs = ccs;
    this.reloader = reloader;
  }

  public ApiResponse config(ApiRequest request) {
    Queries.onlyKnown(request, Set.of());
    ObjectNode body = WireFormat.success();
    body.set("config", ConfigRedaction.redacted(ccs.config()));
    ConfigReloader watcher = reloader.get();
    ObjectNode sources = body.putObject("sources");
    if (watcher == null) {
      body.putNull("file");
      sources.put("*", "embedding application");
    } else {
      LoadedConfig loaded = watcher.lastLoaded();
      body.put("file", loaded.file().toString());
      ConfigSources.of(ccs.config(), loaded.fileJson(), loaded.environmentKeys(),
          watcher.argumentKeys()).forEach(sources::put);
    }
    ArrayNode pending = body.putArray("pending_restart");
    (watcher == null ? List.<String>of() : watcher.pendingRestart()).forEach(pending::add);
    return ApiResponse.json(200, body);
  }

  public ApiResponse reload(ApiRequest request) {
    Queries.onlyKnown(request, Set.of());
    ConfigReloader watcher = reloader.get();
    if (watcher == null) {
      throw new CcsException.Conflict("no_config_file", "This server's config did not come from a file: there is "
          + "nothing to reload");
    }
    ConfigReloader.Outcome outcome = watcher.reload();
    if (!outcome.applied()) {
      throw new ApiError(400, "invalid_config", "The config file was not applied: " + outcome.problem(), Map.of(),
          Map.of("pending_restart", outcome.pendingRestart()));
    }
    if (!outcome.changed().isEmpty()) {
      request.auditEvent("config_reloaded", String.join(",", outcome.changed()));
    }
    ObjectNode body = WireFormat.success();
    ArrayNode changed = body.putArray("changed");
    outcome.changed().forEach(changed::add);
    ArrayNode pending = body.putArray("pending_restart");
    outcome.pendingRestart().forEach(pending::add);
    return ApiResponse.json(200, body);
  }
}
