package dev.ccs.core.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A configuration and where it came from.
 *
 * @param file the config file
 * @param config the validated values, environment overrides applied
 * @param created whether the file did not exist and was written with the defaults
 * @param warnings things worth logging that did not stop loading (unknown keys, for one)
 */
public record LoadedConfig(Path file, CcsConfig config, boolean created, List<String> warnings) {

  public LoadedConfig {
    warnings = List.copyOf(warnings);
  }
}
