package dev.ccs.core.config;

import java.nio.file.Path;

/** Path values of the config: {@code ~} is the user's home, relative paths are relative to the config file. */
final class ConfigPaths {

  private ConfigPaths() {
  }

  static Path resolve(String value, Path baseDir) {
    String home = dev.ccs.core.io.UserHome.get().toString();
    Path path;
    if (value.equals("~")) {
      path = Path.of(home);
    } else if (value.startsWith("~/")) {
      path = Path.of(home, value.substring(2));
    } else {
      path = Path.of(value);
    }
    if (!path.isAbsolute()) {
      path = baseDir.resolve(path);
    }
    return path.toAbsolutePath().normalize();
  }
}
