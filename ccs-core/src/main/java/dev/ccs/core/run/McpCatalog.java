package dev.ccs.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.McpConfig;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The MCP servers the operator configured, by name and transport only: commands, arguments, URLs,
 * headers and environments stay on the server (they hold tokens).
 */
public final class McpCatalog {

  private McpCatalog() {
  }

  /** One MCP server of a config file. */
  public record Server(String name, String transport) {
  }

  /**
   * One config file: the server's own ({@code mcp.configPath}) or one a request may name.
   *
   * @param name its name ({@code "default"} for {@code mcp.configPath})
   * @param usedByDefault whether every run gets it
   * @param problem why it could not be read, or null
   */
  public record ConfigFile(String name, boolean usedByDefault, List<Server> servers, String problem) {
  }

  /** The configs of {@code config}, each read now. */
  public static List<ConfigFile> list(McpConfig config) {
    List<ConfigFile> files = new ArrayList<>();
    if (config.enabled()) {
      files.add(read("default", true, config.configPath()));
    }
    config.allowedConfigs().forEach((name, path) -> files.add(read(name, false, path)));
    return files;
  }

  private static ConfigFile read(String name, boolean usedByDefault, Path path) {
    try {
      JsonNode servers = Json.parse(Files.readString(path)).path("mcpServers");
      List<Server> list = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = servers.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> server = it.next();
        list.add(new Server(server.getKey(), transport(server.getValue())));
      }
      return new ConfigFile(name, usedByDefault, list, null);
    } catch (IOException | RuntimeException e) {
      // The reason without the path's content; the path itself is the operator's.
      return new ConfigFile(name, usedByDefault, List.of(), e instanceof java.nio.file.NoSuchFileException
          ? "file not found" : "cannot be read as an MCP config");
    }
  }

  private static String transport(JsonNode spec) {
    String type = spec.path("type").asText("");
    if (!type.isEmpty()) {
      return type;
    }
    return spec.has("command") ? "stdio" : spec.has("url") ? "http" : "unknown";
  }
}
