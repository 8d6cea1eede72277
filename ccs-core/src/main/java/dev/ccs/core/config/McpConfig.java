package dev.ccs.core.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * MCP servers for the CLI. An MCP config can start any local command, so a request may only name
 * configs the operator listed, unless the operator trusts every client.
 *
 * @param enabled config {@code mcp.enabled}: pass {@code configPath} to every run
 * @param configPath config {@code mcp.configPath}: an MCP JSON file ({@code {"mcpServers":{...}}})
 * @param strict config {@code mcp.strict}: add {@code --strict-mcp-config}, so only the given
 *     servers are used and none from the machine's own Claude settings
 * @param allowRequestConfig config {@code mcp.allowRequestConfig}: a request may give any MCP
 *     config (any path, or JSON inline). Off by default.
 * @param allowedConfigs config {@code mcp.allowedConfigs}: the configs a request may name, by name or
 *     path: an array of paths (each named by its file name without {@code .json}) or an object of
 *     names to paths
 */
public record McpConfig(boolean enabled, Path configPath, boolean strict, boolean allowRequestConfig,
    Map<String, Path> allowedConfigs) {

  public static final McpConfig DEFAULT = new McpConfig(false, null, false, false);

  public McpConfig(boolean enabled, Path configPath, boolean strict, boolean allowRequestConfig) {
    this(enabled, configPath, strict, allowRequestConfig, Map.of());
  }

  public McpConfig {
    if (enabled && configPath == null) {
      throw new IllegalArgumentException(
          "\"mcp.configPath\" is null; allowed: a path to an MCP JSON file when \"mcp.enabled\" is true");
    }
    // Sorted by name, in a stable order (Map.copyOf's order changes from one JVM to the next).
    allowedConfigs = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(allowedConfigs));
    for (String name : allowedConfigs.keySet()) {
      if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
        throw new IllegalArgumentException("\"mcp.allowedConfigs\" has the name \"" + name
            + "\"; allowed: 1-64 letters, digits, '.', '_' or '-'");
      }
    }
  }

  /** The allowed config {@code nameOrPath} names: by its name, or by its exact path. */
  public Optional<Path> allowed(String nameOrPath) {
    Path byName = allowedConfigs.get(nameOrPath);
    if (byName != null) {
      return Optional.of(byName);
    }
    try {
      Path asked = Path.of(nameOrPath).toAbsolutePath().normalize();
      return allowedConfigs.values().stream().filter(p -> p.toAbsolutePath().normalize().equals(asked)).findFirst();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
