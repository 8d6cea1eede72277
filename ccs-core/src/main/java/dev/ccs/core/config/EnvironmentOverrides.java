package dev.ccs.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The environment variables that override config keys: the Node server's ({@code PORT},
 * {@code HOST}, {@code CCS_SECRET_KEY}, {@code CCS_AUTH_ENABLED}) and ccs's own ({@code CCS_PORT},
 * {@code CCS_HOST}, {@code CCS_DATA_DIR}, {@code CCS_CLAUDE_PATH}). Where both name one key, the
 * {@code CCS_} one wins, being the more specific. A bad value stops loading with a message naming
 * the variable (the Node server read {@code CCS_AUTH_ENABLED=yes} as false, silently).
 */
final class EnvironmentOverrides {

  static final String CCS_PORT = "CCS_PORT";
  static final String CCS_HOST = "CCS_HOST";
  static final String CCS_DATA_DIR = "CCS_DATA_DIR";
  static final String CCS_CLAUDE_PATH = "CCS_CLAUDE_PATH";
  static final String PORT = "PORT";
  static final String HOST = "HOST";
  static final String CCS_SECRET_KEY = "CCS_SECRET_KEY";
  static final String CCS_AUTH_ENABLED = "CCS_AUTH_ENABLED";

  /** The config with the overrides, and the keys they set. */
  record Result(CcsConfig config, Set<String> keys) {
  }

  private EnvironmentOverrides() {
  }

  static Result apply(CcsConfig config, Map<String, String> env, Path baseDir) {
    List<String> problems = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    CcsConfig.Builder builder = config.toBuilder();
    String portVariable = env.get(CCS_PORT) != null ? CCS_PORT : PORT;
    String port = env.get(portVariable);
    if (port != null) {
      try {
        int value = Integer.parseInt(port.trim());
        if (value < 0 || value > 65535) {
          throw new NumberFormatException();
        }
        builder.port(value);
        keys.add("port");
      } catch (NumberFormatException e) {
        problems.add(portVariable + " is \"" + port + "\"; allowed: an integer from 0 to 65535");
      }
    }
    String hostVariable = env.get(CCS_HOST) != null ? CCS_HOST : HOST;
    text(env, hostVariable, "an IP address or host name", problems, value -> {
      builder.host(value);
      keys.add("host");
    });
    text(env, CCS_DATA_DIR, "a directory path", problems, value -> {
      builder.dataDir(ConfigPaths.resolve(value, baseDir));
      keys.add("dataDir");
    });
    text(env, CCS_CLAUDE_PATH, "a command name or path", problems, value -> {
      builder.claudePath(value);
      keys.add("claudePath");
    });
    AuthConfig auth = config.security().auth();
    String secret = auth.secretKey();
    boolean enabled = auth.enabled();
    if (env.get(CCS_SECRET_KEY) != null) {
      secret = env.get(CCS_SECRET_KEY).trim();
      keys.add("security.auth.secretKey");
    }
    String enabledText = env.get(CCS_AUTH_ENABLED);
    if (enabledText != null) {
      switch (enabledText.trim().toLowerCase(Locale.ROOT)) {
        case "true" -> enabled = true;
        case "false" -> enabled = false;
        default -> problems.add(CCS_AUTH_ENABLED + " is \"" + enabledText + "\"; allowed: true or false");
      }
      keys.add("security.auth.enabled");
    }
    if (keys.contains("security.auth.secretKey") || keys.contains("security.auth.enabled")) {
      try {
        builder.security(config.security().withAuth(new AuthConfig(enabled, secret, auth.bypassHealthCheck(),
            auth.bypassMetrics())));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage() + " (after " + CCS_SECRET_KEY + "/" + CCS_AUTH_ENABLED + ")");
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException("environment", problems);
    }
    return new Result(builder.build(), Set.copyOf(keys));
  }

  private static void text(Map<String, String> env, String variable, String allowed, List<String> problems,
      java.util.function.Consumer<String> set) {
    String value = env.get(variable);
    if (value == null) {
      return;
    }
    if (value.isBlank()) {
      problems.add(variable + " is empty; allowed: " + allowed);
    } else {
      set.accept(value.trim());
    }
  }
}
