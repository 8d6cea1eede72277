package dev.ccs.core.run;

import dev.ccs.core.config.CcsConfig;
import java.util.HashMap;
import java.util.Map;

/** The base environment of the CLI's runs, from the config and the server's own environment. */
public final class RunEnvironment {

  private RunEnvironment() {
  }

  /**
   * The environment every run starts from: the server's (or, without {@code execution.inheritEnv},
   * only PATH, HOME, LANG, TMPDIR and USER), without {@code CLAUDECODE}, {@code nodeBinDir} first on
   * PATH, the auto-updater off, {@code execution.maxRetries} and {@code execution.env}.
   */
  public static Map<String, String> of(CcsConfig config, Map<String, String> processEnvironment) {
    Map<String, String> env = new HashMap<>();
    if (config.execution().inheritEnv()) {
      env.putAll(processEnvironment);
    } else {
      for (String name : new String[] {"PATH", "HOME", "LANG", "TMPDIR", "USER"}) {
        if (processEnvironment.containsKey(name)) {
          env.put(name, processEnvironment.get(name));
        }
      }
    }
    // Set inside a Claude Code session; some CLI versions then refuse to start.
    env.remove("CLAUDECODE");
    if (config.nodeBinDir() != null) {
      String path = env.get("PATH");
      env.put("PATH", config.nodeBinDir() + (path == null || path.isEmpty() ? "" : ":" + path));
    }
    // A server must not have its CLI replaced under running sessions.
    env.putIfAbsent("DISABLE_AUTOUPDATER", "1");
    if (config.execution().maxRetries() != null) {
      env.put("CLAUDE_CODE_MAX_RETRIES", config.execution().maxRetries().toString());
    }
    env.putAll(config.execution().env());
    return env;
  }

  /**
   * The tag of this instance's processes: the same for every server on this data directory, so a
   * server restarted after a crash finds and ends what the previous one left running.
   */
}
