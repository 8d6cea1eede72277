package dev.ccs.cli.command;

import dev.ccs.cli.base.Cli;
import dev.ccs.core.json.Json;

/** {@code ccs docs}: where the server's Swagger UI and OpenAPI document are. */
public final class DocsCommand {

  private final Cli cli;

  public DocsCommand(Cli cli) {
    this.cli = cli;
  }

  public int run() {
    var security = cli.config().config().security();
    boolean enabled = security.swaggerDocs();
    // With authentication on, the document wants a key unless the operator published it.
    boolean keyNeeded = security.auth().enabled() && !security.swaggerDocsPublic();
    String ui = cli.api().base().resolve("/api-docs").toString();
    String json = cli.api().base().resolve("/api-docs.json").toString();
    if (cli.json()) {
      cli.printJson(Json.object().put("enabled", enabled).put("swagger_ui", ui).put("openapi", json)
          .put("key_needed", keyNeeded));
    } else if (enabled) {
      cli.out().println("Swagger UI: " + ui + (keyNeeded ? "  (the page asks for an API key)" : ""));
      cli.out().println("OpenAPI:    " + json + (keyNeeded ? "  (send an API key: X-API-Key or Bearer)" : ""));
    } else {
      cli.out().println("API docs are off (security.swaggerDocs.enabled is false; turn it on: ccs config set "
          + "security.swaggerDocs.enabled true)");
    }
    return Cli.OK;
  }
}
