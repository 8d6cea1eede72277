package dev.ccs.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Where each value in force comes from: {@code argument}, {@code environment}, {@code file} or {@code default}. */
public final class ConfigSources {

  private ConfigSources() {
  }

  /**
   * @param inForce the config in force
   * @param fileJson the config file's JSON as written
   * @param environment keys a {@code CCS_*} variable set
   * @param arguments keys a command-line argument set
   */
  public static Map<String, String> of(CcsConfig inForce, JsonNode fileJson, Set<String> environment,
      Set<String> arguments) {
    Map<String, String> sources = new LinkedHashMap<>();
    for (String key : ConfigReload.leaves(ConfigLoader.toJson(inForce)).keySet()) {
      String source;
      if (arguments.contains(key)) {
        source = "argument";
      } else if (environment.contains(key)) {
        source = "environment";
      } else if (setIn(fileJson, key)) {
        source = "file";
      } else {
        source = "default";
      }
      sources.put(key, source);
    }
    return sources;
  }

  private static boolean setIn(JsonNode root, String key) {
    JsonNode node = root;
    for (String part : key.split("\\.")) {
      node = node == null ? null : node.get(part);
    }
    if (node != null && !node.isNull()) {
      return true;
    }
    // The Node server's 1.0.0 name of workspacePath.
    return key.equals("workspacePath") && root != null && root.hasNonNull("defaultProjectPath");
  }
}
