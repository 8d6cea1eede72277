package dev.ccs.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.McpConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.io.AtomicFiles;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a request's {@code mcp_config} may be: the name or path of a config the operator listed in
 * {@code mcp.allowedConfigs}; with {@code mcp.allowRequestConfig}, any path or a JSON config given
 * inline. Inline JSON is checked ({@code {"mcpServers": {name: {...}}}}) and written to a file of
 * this user's only, so that its values (tokens, often) never appear in the CLI's command line, which
 * every user of the machine can read; the file is removed after the run, and at the next start
 * if the server died first.
 */
final class McpConfigs {

  private static final Logger LOG = LoggerFactory.getLogger(McpConfigs.class);
  private static final int MAX_INLINE_BYTES = 256 * 1024;

  private final Path inlineDir;

  McpConfigs(Path inlineDir) {
    this.inlineDir = inlineDir;
    removeLeftovers();
  }

  /** A request's MCP config, resolved: the path to pass, and whether it is a temporary file. */
  record Resolved(String path, Path temporary) {
  }

  Resolved resolve(String requested, McpConfig config) {
    String value = requested.trim();
    if (value.startsWith("{")) {
      if (!config.allowRequestConfig()) {
        throw new CcsException.Forbidden("mcp_config_not_allowed", "an inline \"mcp_config\" is disabled on this "
            + "server (an MCP config can start any command; set mcp.allowRequestConfig to allow it)");
      }
      Path file = writeInline(value);
      return new Resolved(file.toString(), file);
    }
    var allowed = config.allowed(value);
    if (allowed.isPresent()) {
      return new Resolved(allowed.get().toString(), null);
    }
    if (!config.allowRequestConfig()) {
      throw new CcsException.Forbidden("mcp_config_not_allowed", "\"mcp_config\" may only name a config listed in "
          + "mcp.allowedConfigs" + (config.allowedConfigs().isEmpty() ? " (none is)"
          : ": " + String.join(", ", config.allowedConfigs().keySet())));
    }
    return new Resolved(value, null);
  }

  private Path writeInline(String json) {
    if (json.length() > MAX_INLINE_BYTES) {
      throw new CcsException.InvalidRequest("an inline \"mcp_config\" may be at most " + MAX_INLINE_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = Json.parse(json);
    } catch (IOException e) {
      throw new CcsException.InvalidRequest("\"mcp_config\" is not valid JSON");
    }
    JsonNode servers = root == null ? null : root.get("mcpServers");
    if (servers == null || !servers.isObject() || servers.isEmpty()) {
      throw new CcsException.InvalidRequest("an inline \"mcp_config\" must be {\"mcpServers\": {\"<name>\": {...}}}");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = servers.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> server = it.next();
      JsonNode spec = server.getValue();
      if (!spec.isObject() || !(spec.path("command").isTextual() || spec.path("url").isTextual())) {
        throw new CcsException.InvalidRequest("MCP server \"" + server.getKey() + "\" in \"mcp_config\" needs a "
            + "\"command\" (stdio) or a \"url\" (http, sse)");
      }
    }
    try {
      AtomicFiles.createPrivateDirectories(inlineDir);
      Path file = inlineDir.resolve("mcp-" + UUID.randomUUID() + ".json");
      AtomicFiles.write(file, json.getBytes(StandardCharsets.UTF_8), true);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write an inline MCP config: " + e.getMessage(), e);
    }
  }

  static void remove(Path temporary) {
    if (temporary == null) {
      return;
    }
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", temporary, e.getMessage());
    }
  }

  private void removeLeftovers() {
    if (!Files.isDirectory(inlineDir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(inlineDir, "mcp-*.json")) {
      files.forEach(McpConfigs::remove);
    } catch (IOException e) {
      LOG.warn("cannot clean {}: {}", inlineDir, e.getMessage());
    }
  }
}
