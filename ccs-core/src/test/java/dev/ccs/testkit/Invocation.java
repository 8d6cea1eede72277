package dev.ccs.testkit;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One recorded invocation of the fake CLI.
 *
 * @param seq 1 for the first invocation of a {@link FakeClaude}, then 2, ...
 * @param pid the fake's process id
 * @param args the arguments after the program name
 * @param cwd its working directory
 * @param env its complete environment
 * @param stdin everything it read from stdin
 * @param startedAtMillis wall-clock start
 * @param endedAtMillis wall-clock end, or null while it runs (or when it was killed with SIGKILL)
 */
public record Invocation(int seq, long pid, List<String> args, Path cwd, Map<String, String> env, String stdin,
    long startedAtMillis, Long endedAtMillis) {

  /** The value of {@code --flag=value} or {@code --flag value}, or null. */
  public String flag(String flag) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.startsWith(flag + "=")) {
        return arg.substring(flag.length() + 1);
      }
      if (arg.equals(flag) && i + 1 < args.size()) {
        return args.get(i + 1);
      }
    }
    return null;
  }

  public boolean hasFlag(String flag) {
    return args.stream().anyMatch(a -> a.equals(flag) || a.startsWith(flag + "="));
  }
}
