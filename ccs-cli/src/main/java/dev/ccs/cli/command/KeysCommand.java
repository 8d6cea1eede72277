package dev.ccs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.cli.base.ApiClient;
import dev.ccs.cli.base.Cli;
import dev.ccs.cli.base.Table;
import dev.ccs.core.auth.ApiKeys;
import dev.ccs.core.json.Json;
import java.util.List;
import java.util.Set;

/**
 * {@code ccs keys create NAME [--scopes read,run,admin] [--expires-days N] | list | revoke ID | show-legacy}:
 * named keys through the running server's {@code /api/keys} (the CLI authenticates with the
 * config's key), and the Node server's derived key from the config.
 */
public final class KeysCommand {

  static final String USAGE = "usage: ccs keys create NAME [--scopes read,run,admin] [--expires-days N] | list | "
      + "revoke ID|NAME | show-legacy [--json]";

  private final Cli cli;

  public KeysCommand(Cli cli) {
    this.cli = cli;
  }

  public int run(List<String> arguments) {
    Args args = Args.parse(arguments, Set.of("--scopes", "--expires-days"), Set.of());
    if (!args.unknown.isEmpty()) {
      return cli.usage("unknown option: " + args.unknown.get(0), USAGE);
    }
    String action = args.positional(0);
    if (action == null) {
      return cli.usage("which keys command?", USAGE);
    }
    return switch (action) {
      case "show-legacy" -> showLegacy();
      case "list" -> list();
      case "create" -> args.positional(1) == null ? cli.usage("create needs a name", USAGE)
          : create(args.positional(1), args.option("--scopes"), args.number("--expires-days", 0, 1, 36_500));
      case "revoke" -> args.positional(1) == null ? cli.usage("revoke needs a key id or name", USAGE)
          : revoke(args.positional(1));
      default -> cli.usage("unknown keys command: " + action, USAGE);
    };
  }

  /** The Node server's key for the configured secret (as the Node TUI showed it); 1 without a secret. */
  public int showLegacy() {
    String secret = cli.config().config().security().auth().secretKey();
    if (secret == null || secret.isBlank()) {
      cli.out().println("no security.auth.secretKey in " + cli.config().file() + ": there is no legacy key");
      return Cli.FAILURE;
    }
    if (cli.json()) {
      cli.printJson(Json.object().put("api_key", ApiKeys.legacyKey(secret))
          .put("auth_enabled", cli.config().config().security().auth().enabled()));
      return Cli.OK;
    }
    cli.out().println(ApiKeys.legacyKey(secret));
    if (!cli.config().config().security().auth().enabled()) {
      cli.out().println("(security.auth.enabled is false: the server asks for no key now)");
    }
    return Cli.OK;
  }

  public int list() {
    ApiClient.Reply reply = cli.api().call("GET", "/api/keys");
    return cli.answered(reply, () -> {
      Table table = Table.of("ID", "NAME", "HINT", "SCOPES", "CREATED", "EXPIRES", "LAST USED");
      for (JsonNode k : reply.body().path("keys")) {
        List<String> scopes = new java.util.ArrayList<>();
        k.path("scopes").forEach(s -> scopes.add(s.asText()));
        table.row(k.path("id").asText(), k.path("name").asText(), k.path("hint").asText(),
            scopes.isEmpty() ? "all" : String.join(",", scopes), k.path("created_at").asText(),
            k.path("expires_at").asText("never"), k.path("last_used_at").asText("never"));
      }
      if (table.isEmpty()) {
        cli.out().println("no named keys (the Node server's key: ccs keys show-legacy)");
      } else {
        table.print(cli.out());
      }
    });
  }

  /** @param days null when the option was not a valid number; 0 for no expiry */
  public int create(String name, String scopes, Integer days) {
    if (days == null) {
      return cli.usage("--expires-days must be 1-36500", USAGE);
    }
    ObjectNode body = Json.object().put("name", name);
    if (scopes != null && !scopes.isBlank()) {
      ArrayNode list = body.putArray("scopes");
      for (String scope : scopes.split(",")) {
        list.add(scope.trim());
      }
    }
    if (days > 0) {
      body.put("expires_in_days", days);
    }
    ApiClient.Reply reply = cli.api().call("POST", "/api/keys", body, java.time.Duration.ofSeconds(30));
    return cli.answered(reply, () -> {
      cli.out().println(reply.body().path("api_key").asText());
      cli.out().println("(key " + reply.body().at("/key/id").asText() + " \"" + name + "\": store it now, it is not "
          + "shown again)");
    });
  }

  public int revoke(String id) {
    ApiClient.Reply reply = cli.api().call("DELETE", "/api/keys/" + SessionsCommand.encode(id));
    return cli.answered(reply, () -> cli.out().println("revoked " + id));
  }
}
