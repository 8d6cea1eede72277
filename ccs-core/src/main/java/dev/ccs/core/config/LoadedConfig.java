package dev.ccs.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A configuration and where it came from.
 *
 * @param file the config file
 * @param config the validated values, environment overrides applied
 * @param created whether the file did not exist and was written with the defaults
 * @param warnings things worth logging that did not stop loading (unknown keys, for one)
 * @param fileJson the file's JSON as written (to tell which values it sets)
 * @param environmentKeys the config keys a {@code CCS_*} environment variable set
 */
public record LoadedConfig(Path file, CcsConfig config, boolean created, List<String> warnings, JsonNode fileJson,
    Set<String> environmentKeys) {

  public LoadedConfig {
    warnings = List.copyOf(warnings);
    environmentKeys = Set.copyOf(environmentKeys);
  }
}
