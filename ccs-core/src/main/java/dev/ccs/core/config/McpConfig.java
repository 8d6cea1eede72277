package dev.ccs.core.config;

import java.nio.file.Path;

/**
 * MCP servers for the CLI.
 *
 * @param enabled config {@code mcp.enabled}: pass {@code configPath} to every run
 * @param configPath config {@code mcp.configPath}: an MCP JSON file ({@code {"mcpServers":{...}}})
 * @param strict config {@code mcp.strict}: add {@code --strict-mcp-config}, so only the given
 *     servers are used and none from the machine's own Claude settings
 * @param allowRequestConfig config {@code mcp.allowRequestConfig}: whether a request may name its
 *     own {@code mcp_config}. Off by default: an MCP config can start any local command.
 */
public record McpConfig(boolean enabled, Path configPath, boolean strict, boolean allowRequestConfig) {

  public static final McpConfig DEFAULT = new McpConfig(false, null, false, false);

  public McpConfig {
    if (enabled && configPath == null) {
      throw new IllegalArgumentException(
          "\"mcp.configPath\" is null; allowed: a path to an MCP JSON file when \"mcp.enabled\" is true");
    }
  }
}
