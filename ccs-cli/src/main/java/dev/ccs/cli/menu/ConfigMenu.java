package dev.ccs.cli.menu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.cli.base.Cli;
import dev.ccs.cli.base.Table;
import dev.ccs.cli.command.ConfigCommand;
import dev.ccs.cli.command.KeysCommand;
import dev.ccs.cli.command.ProvidersCommand;
import dev.ccs.core.config.ConfigException;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.core.config.ConfigRedaction;
import dev.ccs.core.config.ConfigReload;
import dev.ccs.core.json.Json;
import java.util.List;
import java.util.function.Consumer;

/**
 * The configuration by category, as the Node TUI had it. Each value is checked with the whole file
 * before it is saved (atomically); an invalid one is refused with the reason and asked again; each
 * change says whether the running server applies it at once or at the next restart.
 */
final class ConfigMenu {

  private record Category(String title, List<String> keys) {
  }

  private static final List<Category> CATEGORIES = List.of(
      new Category("server", List.of("port", "host", "logLevel", "claudePath", "workspacePath", "defaultModel",
          "maxBudgetUsd", "sessionRetentionDays")),
      new Category("queue", List.of("taskQueue.concurrency", "taskQueue.defaultTimeout", "taskQueue.retries")),
      new Category("webhooks", List.of("webhook.enabled", "webhook.defaultUrl", "webhook.timeout", "webhook.retries")),
      new Category("rate limit", List.of("rateLimit.enabled", "rateLimit.windowMs", "rateLimit.maxRequests")),
      new Category("statistics", List.of("statistics.enabled", "statistics.retentionDays")),
      new Category("security", List.of("security.auth.enabled", "security.auth.bypassHealthCheck",
          "security.swaggerDocs.enabled", "security.swaggerDocs.public",
          "allowDangerouslySkipPermissions")));

  private Cli cli;

  ConfigMenu(Cli cli) {
    this.cli = cli;
  }

  /** Runs until back; returns the context with the config as saved. */
  Cli run() {
    while (true) {
      cli.out().println();
      cli.out().println("configuration (" + cli.config().file() + "):");
      for (int i = 0; i < CATEGORIES.size(); i++) {
        cli.out().println("  " + (i + 1) + ") " + CATEGORIES.get(i).title());
      }
      cli.out().println("  7) providers and load balancing");
      cli.out().println("  8) edit the file in $EDITOR");
      cli.out().println("  b) back");
      String answer = cli.ask("> ");
      if (answer == null || answer.equals("b") || answer.isEmpty() || answer.equals("0")) {
        return cli;
      }
      if (answer.matches("[1-6]")) {
        category(CATEGORIES.get(Integer.parseInt(answer) - 1));
      } else if (answer.equals("7")) {
        providers();
      } else if (answer.equals("8")) {
        new ConfigCommand(cli).edit();
        reload();
      } else {
        cli.out().println("unknown choice: " + answer);
      }
    }
  }

  private void category(Category category) {
    while (true) {
      ObjectNode values = ConfigRedaction.redacted(cli.config().config());
      cli.out().println();
      cli.out().println(category.title() + ":");
      for (int i = 0; i < category.keys().size(); i++) {
        String key = category.keys().get(i);
        cli.out().printf("  %d) %-34s %s%n", i + 1, key, show(ConfigCommand.at(values, key)));
      }
      if (category.title().equals("security")) {
        cli.out().println("  k) show the Node server's API key");
      }
      String answer = cli.ask("number to change, b) back > ");
      if (answer == null || answer.equals("b") || answer.isEmpty()) {
        return;
      }
      if (answer.equals("k") && category.title().equals("security")) {
        new KeysCommand(cli).showLegacy();
      } else if (answer.matches("\\d+") && Integer.parseInt(answer) >= 1
          && Integer.parseInt(answer) <= category.keys().size()) {
        change(category.keys().get(Integer.parseInt(answer) - 1));
      } else {
        cli.out().println("unknown choice: " + answer);
      }
    }
  }

  /** Asks for a value until one is valid (or nothing is entered). */
  private void change(String key) {
    while (true) {
      String value = cli.ask("new value for " + key + " (" + (ConfigReload.live(key) ? "applied at once"
          : "needs a restart") + "; enter to keep it): ");
      if (value == null || value.isEmpty()) {
        cli.out().println("unchanged");
        return;
      }
      if (new ConfigCommand(cli).set(key, value) == Cli.OK) {
        reload();
        return;
      }
    }
  }

  private void reload() {
    try {
      cli = cli.reloaded(ConfigLoader.reload(cli.config().file(), cli.env()));
    } catch (ConfigException e) {
      cli.out().println(e.getMessage());
    }
  }

  // ---------------------------------------------------------------- providers

  private void providers() {
    while (true) {
      ObjectNode values = ConfigRedaction.redacted(cli.config().config());
      cli.out().println();
      JsonNode balance = values.path("loadBalance");
      cli.out().println("providers (strategy " + balance.path("strategy").asText() + ", failover "
          + balance.path("failover").asBoolean() + ", failure threshold " + balance.path("failureThreshold").asInt()
          + "):");
      Table table = Table.of("#", "ID", "NAME", "BASE URL", "WEIGHT", "ENABLED");
      int n = 0;
      for (JsonNode p : values.path("providers")) {
        table.row(++n, p.path("id").asText(), p.path("name").asText(), p.path("baseUrl").asText("-"),
            p.path("weight").asInt(), p.path("enabled").asBoolean());
      }
      if (table.isEmpty()) {
        cli.out().println("  none (runs use the CLI's own credentials)");
      } else {
        table.print(cli.out());
      }
      String answer = cli.ask("a) add  e N) edit  d N) delete  on N) enable  off N) disable  r N) reset health  "
          + "s) strategy  b) back > ");
      if (answer == null || answer.equals("b") || answer.isEmpty()) {
        return;
      }
      String[] words = answer.split("\\s+");
      int index = words.length > 1 && words[1].matches("\\d+") ? Integer.parseInt(words[1]) - 1 : -1;
      int count = values.path("providers").size();
      switch (words[0]) {
        case "a" -> addProvider();
        case "s" -> strategy();
        case "e", "d", "on", "off", "r" -> {
          if (index < 0 || index >= count) {
            cli.out().println("no provider #" + (index + 1));
            continue;
          }
          String id = values.path("providers").get(index).path("id").asText();
          switch (words[0]) {
            case "e" -> editProvider(index, id);
            case "d" -> {
              if (cli.confirm("delete provider " + id + " from the config?")) {
                save("provider " + id + " deleted", root -> root.withArrayProperty("providers").remove(index));
              }
            }
            case "on", "off" -> save("provider " + id + (words[0].equals("on") ? " enabled" : " disabled"),
                root -> ((ObjectNode) root.withArrayProperty("providers").get(index)).put("enabled", words[0].equals("on")));
            default -> {
              if (new dev.ccs.cli.command.ServerCommands(cli).running()) {
                new ProvidersCommand(cli).act("reset", id);
              } else {
                cli.out().println("the server is not running: health is kept by the running server (start it first)");
              }
            }
          }
        }
        default -> cli.out().println("unknown choice: " + answer);
      }
    }
  }

  private void addProvider() {
    String id = cli.ask("id (letters, digits, _ and -): ");
    if (id == null || id.isEmpty()) {
      return;
    }
    String name = cli.ask("name (enter: the id): ");
    String key = cli.ask("API key, or ${env:NAME} / ${file:PATH}: ");
    String url = cli.ask("base URL (enter: the CLI's default): ");
    String weight = cli.ask("weight 1-10 (enter: 1): ");
    ObjectNode provider = Json.object().put("id", id).put("name", name == null || name.isEmpty() ? id : name)
        .put("apiKey", key == null ? "" : key);
    if (url != null && !url.isEmpty()) {
      provider.put("baseUrl", url);
    }
    provider.put("weight", weight != null && weight.matches("\\d{1,2}") ? Integer.parseInt(weight) : 1)
        .put("enabled", true);
    save("provider " + id + " added", root -> {
      root.withArrayProperty("providers").add(provider);
      if (!root.has("loadBalance")) {
        root.putObject("loadBalance").put("strategy", "round-robin").put("failover", true).put("failureThreshold", 3);
      }
    });
  }

  private void editProvider(int index, String id) {
    String field = cli.ask("field of " + id + " (name, apiKey, baseUrl, weight): ");
    if (field == null || !List.of("name", "apiKey", "baseUrl", "weight").contains(field)) {
      cli.out().println("unchanged (fields: name, apiKey, baseUrl, weight)");
      return;
    }
    String value = cli.ask("new " + field + ": ");
    if (value == null || value.isEmpty()) {
      return;
    }
    save(id + "." + field + " changed", root -> {
      ObjectNode provider = (ObjectNode) root.withArrayProperty("providers").get(index);
      if (field.equals("weight") && value.matches("-?\\d+")) {
        provider.put(field, Integer.parseInt(value));
      } else {
        provider.put(field, value);
      }
    });
  }

  private void strategy() {
    String strategy = cli.ask("strategy (round-robin or weighted; enter to keep): ");
    String failover = cli.ask("failover to another provider when one fails (true/false; enter to keep): ");
    save("load balancing changed", root -> {
      ObjectNode balance = root.withObjectProperty("loadBalance");
      if (strategy != null && !strategy.isEmpty()) {
        balance.put("strategy", strategy);
      }
      if (failover != null && (failover.equals("true") || failover.equals("false"))) {
        balance.put("failover", Boolean.parseBoolean(failover));
      } else if (failover != null && !failover.isEmpty()) {
        balance.put("failover", failover); // refused by the check, with the reason
      }
    });
  }

  /** Saves a change to the file if the whole config stays valid; says what happened either way. */
  private void save(String done, Consumer<ObjectNode> change) {
    try {
      ConfigLoader.edit(cli.config().file(), change, cli.env());
      cli.out().println(done + " (a running server applies provider changes at once)");
      reload();
    } catch (ConfigException e) {
      cli.out().println("not saved: " + e.getMessage());
    }
  }

  private static String show(JsonNode value) {
    return value == null ? "-" : value.isNumber() ? value.decimalValue().toPlainString() : value.isNull() ? "(none)" : value.isValueNode() ? value.asText() : value.toString();
  }
}
