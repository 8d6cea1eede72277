package dev.ccs.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a new version of the config file changes in a running server: the keys applied live, and
 * the keys that only a restart applies (which keep their running values meanwhile). Pure: the
 * engine and the HTTP server apply the result.
 */
public final class ConfigReload {

  /**
   * Keys (or key prefixes ending in {@code .}) that take effect without a restart. Everything else
   * (port, host, paths, http, execution, streaming, limits, ...) waits for one.
   */
  static final List<String> LIVE = List.of("rateLimit.", "security.auth.", "trustProxy", "security.swaggerDocs.",
      "security.allowedPermissionModes", "security.allowUnauthenticatedRemote", "taskQueue.concurrency",
      "taskQueue.defaultTimeout", "taskQueue.retries", "taskQueue.retryBackoff", "webhook.", "providers",
      "loadBalance.strategy", "loadBalance.failover", "loadBalance.failureThreshold", "loadBalance.recoveryTimeout",
      "maxBudgetUsd", "defaultModel", "mcp.", "allowDangerouslySkipPermissions", "logLevel", "statistics.enabled",
      "statistics.retentionDays", "shutdown.graceMs", "openai.");

  private ConfigReload() {
  }

  /**
   * @param inForce the config the server runs with
   * @param applied the config the keys applied live now take effect in (restart-only keys keep
   *     {@code inForce}'s values)
   * @param changed the live keys whose values changed
   * @param pendingRestart the keys whose new values wait for a restart
   */
  public record Result(CcsConfig inForce, CcsConfig applied, List<String> changed, List<String> pendingRestart) {

    public boolean anyChange() {
      return !changed.isEmpty();
    }
  }

  /**
   * @param inForce the config the server runs with now
   * @param startFile the file's config (with environment overrides) when the server started: what
   *     restart-only keys are compared against, so that command-line overrides do not count as edits
   * @param newFile the file's config now
   */
  public static Result of(CcsConfig inForce, CcsConfig startFile, CcsConfig newFile) {
    Map<String, JsonNode> now = leaves(ConfigLoader.toJson(inForce));
    Map<String, JsonNode> started = leaves(ConfigLoader.toJson(startFile));
    Map<String, JsonNode> next = leaves(ConfigLoader.toJson(newFile));
    ObjectNode merged = ConfigLoader.toJson(newFile);
    List<String> changed = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    for (String key : union(now, next)) {
      JsonNode value = next.get(key);
      if (live(key)) {
        if (!equal(value, now.get(key))) {
          changed.add(key);
        }
      } else {
        if (!equal(value, started.get(key))) {
          pending.add(key);
        }
        // Until the restart, the running value stays.
        set(merged, key, now.get(key));
      }
    }
    // Every path in the JSON is absolute already: the base directory is not used.
    CcsConfig applied = ConfigLoader.parse(Json.write(merged), inForce.dataDir(), "reloaded config", new ArrayList<>());
    return new Result(inForce, applied, collapse(changed), collapse(pending));
  }

  /** Whether a change of {@code key} (dotted, as in the config file) takes effect without a restart. */
  public static boolean live(String key) {
    for (String prefix : LIVE) {
      if (prefix.endsWith(".") ? key.startsWith(prefix) : key.equals(prefix) || key.startsWith(prefix + ".")
          || key.startsWith(prefix + "[")) {
        return true;
      }
    }
    return false;
  }

  /** Leaf values by dotted key; arrays of values and the providers are leaves as a whole. */
  static Map<String, JsonNode> leaves(JsonNode root) {
    Map<String, JsonNode> leaves = new LinkedHashMap<>();
    collect("", root, leaves);
    return leaves;
  }

  private static void collect(String prefix, JsonNode node, Map<String, JsonNode> leaves) {
    if (node.isObject() && !prefix.endsWith(".env") && !prefix.equals("mcp.allowedConfigs")) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        collect(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), leaves);
      }
    } else {
      leaves.put(prefix, node);
    }
  }

  private static List<String> union(Map<String, JsonNode> a, Map<String, JsonNode> b) {
    List<String> keys = new ArrayList<>(a.keySet());
    b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(keys::add);
    return keys;
  }

  private static boolean equal(JsonNode a, JsonNode b) {
    if (a != null && b != null && a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0; // 10.0 is 1E+1
    }
    return a == null ? b == null : a.equals(b);
  }

  private static void set(ObjectNode root, String key, JsonNode value) {
    String[] parts = key.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      node = child instanceof ObjectNode object ? object : node.putObject(parts[i]);
    }
    if (value == null) {
      node.remove(parts[parts.length - 1]);
    } else {
      node.set(parts[parts.length - 1], value);
    }
  }

  /** Keys as people name them: {@code execution.env} rather than each variable. */
  private static List<String> collapse(List<String> keys) {
    return keys.stream().distinct().toList();
  }
}
