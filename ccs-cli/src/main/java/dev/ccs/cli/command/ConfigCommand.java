package dev.ccs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.cli.base.Cli;
import dev.ccs.core.config.ConfigException;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.core.config.ConfigRedaction;
import dev.ccs.core.config.ConfigReload;
import dev.ccs.core.config.LoadedConfig;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ccs config get [KEY] | set KEY VALUE | validate [FILE] | edit}. A value is stored with the
 * type of the key (a port stays a number: Node defect #50); every change is checked as a whole
 * before it replaces the file atomically, and says whether the running server applies it at once
 * (hot reload) or at the next restart.
 */
public final class ConfigCommand {

  static final String USAGE = "usage: ccs config get [KEY] [--reveal] | set KEY VALUE | validate [FILE] | edit [--json]";

  private final Cli cli;

  public ConfigCommand(Cli cli) {
    this.cli = cli;
  }

  public int run(List<String> args) {
    String action = args.isEmpty() ? "get" : args.get(0);
    List<String> rest = args.subList(Math.min(1, args.size()), args.size());
    boolean reveal = rest.contains("--reveal");
    rest = rest.stream().filter(a -> !a.equals("--reveal")).toList();
    return switch (action) {
      case "get" -> rest.size() > 1 ? cli.usage("get takes one key", USAGE) : get(rest.isEmpty() ? null : rest.get(0),
          reveal);
      case "set" -> rest.size() != 2 ? cli.usage("set needs a key and a value", USAGE) : set(rest.get(0), rest.get(1));
      case "validate" -> rest.size() > 1 ? cli.usage("validate takes one file", USAGE)
          : validate(rest.isEmpty() ? cli.config().file() : Path.of(rest.get(0)));
      case "edit" -> edit();
      default -> cli.usage("unknown config command: " + action, USAGE);
    };
  }

  /** The value in force (file, environment and defaults), secrets hidden unless {@code reveal}. */
  public int get(String key, boolean reveal) {
    ObjectNode all = reveal ? ConfigLoader.toJson(cli.config().config()) : ConfigRedaction.redacted(cli.config().config());
    JsonNode value = key == null ? all : at(all, key);
    if (value == null) {
      cli.out().println("no config key " + key + " (see ccs config get)");
      return Cli.FAILURE;
    }
    if (cli.json() || value.isContainerNode()) {
      cli.out().println(Json.writePretty(value));
    } else {
      cli.out().println(value.isNull() ? "null" : value.isNumber() ? value.decimalValue().toPlainString() : value.asText());
    }
    return Cli.OK;
  }

  /** Sets one key (dotted) and reports whether it applies at once; 1 (file unchanged) when the result is invalid. */
  public int set(String key, String text) {
    try {
      JsonNode current = at(ConfigLoader.toJson(cli.config().config()), key);
      if (current == null) {
        cli.out().println("no config key " + key + " (ccs config get lists them)");
        return Cli.FAILURE;
      }
      JsonNode value = typed(current, text);
      ConfigLoader.edit(cli.config().file(), root -> put(root, key, value), cli.env());
      if (cli.json()) {
        cli.printJson(Json.object().put("key", key).<ObjectNode>set("value", value).put("live", ConfigReload.live(key)));
      } else {
        cli.out().println(key + " = " + (ConfigRedaction.secretName(last(key)) ? ConfigRedaction.HIDDEN : value) + " ("
            + (ConfigReload.live(key) ? "a running server applies it within seconds" : "takes effect at the next "
            + "restart: ccs restart") + ")");
      }
      return Cli.OK;
    } catch (ConfigException | IllegalArgumentException e) {
      cli.out().println("not saved: " + e.getMessage());
      return Cli.FAILURE;
    }
  }

  /** The value as the key's type: a number for a number, true/false for a flag, text for text, else JSON. */
  static JsonNode typed(JsonNode current, String text) {
    if (current != null && current.isTextual()) {
      return Json.mapper().getNodeFactory().textNode(text);
    }
    if (current != null && current.isBoolean()) {
      if (!text.equals("true") && !text.equals("false")) {
        throw new IllegalArgumentException("\"" + text + "\" is not true or false");
      }
      return Json.mapper().getNodeFactory().booleanNode(Boolean.parseBoolean(text));
    }
    try {
      JsonNode parsed = Json.parse(text);
      if (current != null && current.isNumber() && !parsed.isNumber()) {
        throw new IllegalArgumentException("\"" + text + "\" is not a number");
      }
      return parsed;
    } catch (IOException e) {
      if (current != null && current.isNumber()) {
        throw new IllegalArgumentException("\"" + text + "\" is not a number");
      }
      return Json.mapper().getNodeFactory().textNode(text);
    }
  }

  public int validate(Path file) {
    try {
      LoadedConfig loaded = ConfigLoader.reload(file, cli.env());
      if (cli.json()) {
        var warnings = Json.mapper().createArrayNode();
        loaded.warnings().forEach(warnings::add);
        cli.printJson(Json.object().put("valid", true).put("file", file.toString()).set("warnings", warnings));
      } else {
        cli.out().println(file + ": valid");
        loaded.warnings().forEach(w -> cli.out().println("  warning: " + w));
      }
      return Cli.OK;
    } catch (ConfigException e) {
      if (cli.json()) {
        cli.printJson(Json.object().put("valid", false).put("file", file.toString()).put("error", e.getMessage()));
      } else {
        cli.out().println(e.getMessage());
      }
      return Cli.FAILURE;
    }
  }

  /**
   * {@code $EDITOR} (default vi) on a copy of the file; the copy replaces the file (atomically) only
   * once it is valid, and an invalid copy can be edited again or thrown away.
   */
  public int edit() {
    Path file = cli.config().file();
    Path copy = file.resolveSibling("." + file.getFileName() + ".edit");
    try {
      Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
      while (true) {
        String editor = cli.env().getOrDefault("VISUAL", cli.env().getOrDefault("EDITOR", "vi"));
        List<String> command = new ArrayList<>(Arrays.asList(editor.trim().split("\\s+")));
        command.add(copy.toString());
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (exit != 0) {
          cli.out().println("the editor exited with " + exit + ": the config is unchanged");
          return Cli.FAILURE;
        }
        try {
          ConfigLoader.reload(copy, cli.env());
          dev.ccs.core.io.AtomicFiles.write(file, Files.readAllBytes(copy), true);
          cli.out().println("saved " + file + " (a running server applies what it can at once; GET /api/config "
              + "lists what waits for a restart)");
          return Cli.OK;
        } catch (ConfigException e) {
          cli.out().println("not saved: " + e.getMessage());
          if (!cli.confirm("edit it again?")) {
            return Cli.FAILURE;
          }
        }
      }
    } catch (IOException e) {
      cli.out().println("cannot edit " + file + ": " + e.getMessage());
      return Cli.FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Cli.FAILURE;
    } finally {
      try {
        Files.deleteIfExists(copy);
      } catch (IOException e) {
        // Left behind: harmless, replaced by the next edit.
      }
    }
  }

  /** The value at a dotted key, or null when there is none. */
  public static JsonNode at(JsonNode root, String key) {
    JsonNode node = root;
    for (String part : key.split("\\.")) {
      node = node.get(part);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  static void put(ObjectNode root, String key, JsonNode value) {
    String[] parts = key.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      node = node.withObjectProperty(parts[i]);
    }
    node.set(parts[parts.length - 1], value);
  }

  private static String last(String key) {
    return key.substring(key.lastIndexOf('.') + 1);
  }
}
