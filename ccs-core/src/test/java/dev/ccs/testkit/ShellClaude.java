package dev.ccs.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fast fake {@code claude} for volume tests: a POSIX shell script, no JVM, a few milliseconds per
 * run. It drains its prompt, waits, and prints one result line for the session it was given. It
 * appends every start and end to {@code runs.log} and holds a lock directory per session while it
 * runs, so a test can prove that no session ever ran twice at the same time: a second run of a
 * session that is still running logs {@code overlap} and fails with exit 3.
 *
 * <p>A prompt that starts with {@code slow} waits {@code slowMillis} instead, on its first run only,
 * so a test can leave long runs behind (for example by killing the server with SIGKILL). SIGTERM
 * ends a wait at once and is logged.
 */
public final class ShellClaude {

  /** One line of the log. */
  public record Entry(String kind, String sessionId, long pid, long nanos) {
  }

  /** One run of the fake: its start and end times (end is -1 if it never logged one). */
  public record Run(String sessionId, long pid, long startNanos, long endNanos, boolean terminated) {
  }

  private final Path dir;
  private final Path executable;

  private ShellClaude(Path dir, Path executable) {
    this.dir = dir;
    this.executable = executable;
  }

  public static ShellClaude create(Path dir, long delayMillis, long slowMillis) {
    try {
      Files.createDirectories(dir.resolve("locks"));
      Path script = dir.resolve("claude");
      Files.writeString(script, script(dir, delayMillis, slowMillis));
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      return new ShellClaude(dir, script);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String script(Path dir, long delayMillis, long slowMillis) {
    String d = dir.toAbsolutePath().toString();
    if (d.contains("'")) {
      throw new IllegalArgumentException("directory names with quotes are not supported: " + d);
    }
    return "#!/bin/sh\n"
        + "dir='" + d + "'\n"
        + "log=\"$dir/runs.log\"\n"
        + "sid=00000000-0000-4000-8000-000000000000\n"
        + "for a in \"$@\"; do case \"$a\" in --session-id=*|--resume=*) sid=\"${a#*=}\";; esac; done\n"
        + "if ! mkdir \"$dir/locks/$sid\" 2>/dev/null; then\n"
        + "  echo \"overlap $sid $$ $(date +%s%N)\" >> \"$log\"\n"
        + "  echo \"session $sid is already running\" >&2\n"
        + "  exit 3\n"
        + "fi\n"
        + "first=1\n"
        + "grep -q \"^start $sid \" \"$log\" 2>/dev/null && first=0\n"
        + "echo \"start $sid $$ $(date +%s%N)\" >> \"$log\"\n"
        + "waiter=\n"
        + "trap '[ -n \"$waiter\" ] && kill $waiter 2>/dev/null; echo \"term $sid $$ $(date +%s%N)\" >> \"$log\"; "
        + "rmdir \"$dir/locks/$sid\"; exit 143' TERM\n"
        // The server may be gone (SIGKILL): writing the result must not kill the script first.
        + "trap '' PIPE\n"
        + "prompt=$(cat)\n"
        + "wait_ms=" + delayMillis + "\n"
        + "case \"$prompt\" in slow*) [ $first = 1 ] && wait_ms=" + slowMillis + ";; esac\n"
        // In the background, so SIGTERM interrupts the wait instead of waiting for it.
        + "if [ \"$wait_ms\" -gt 0 ]; then\n"
        + "  sleep $(awk \"BEGIN{print $wait_ms/1000}\") & waiter=$!\n"
        + "  wait $waiter\n"
        + "  waiter=\n"
        + "fi\n"
        + "trap '' TERM\n"
        + "echo \"end $sid $$ $(date +%s%N)\" >> \"$log\"\n"
        + "rmdir \"$dir/locks/$sid\"\n"
        + "printf '{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"num_turns\":1,\"result\":\"ok\","
        + "\"session_id\":\"%s\",\"total_cost_usd\":0.001,\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}\\n' \"$sid\"\n";
  }

  /** The path to configure as {@code claudePath}. */
  public Path executable() {
    return executable;
  }

  public List<Entry> entries() {
    Path log = dir.resolve("runs.log");
    if (!Files.exists(log)) {
      return List.of();
    }
    try {
      List<Entry> entries = new ArrayList<>();
      for (String line : Files.readAllLines(log)) {
        String[] parts = line.trim().split(" ");
        if (parts.length == 4) {
          entries.add(new Entry(parts[0], parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3])));
        }
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every run that started, in order, paired with how it ended. */
  public List<Run> runs() {
    List<Run> runs = new ArrayList<>();
    Map<Long, Integer> open = new LinkedHashMap<>(); // pid -> index of its run (pids may be reused later)
    for (Entry e : entries()) {
      switch (e.kind()) {
        case "start" -> {
          open.put(e.pid(), runs.size());
          runs.add(new Run(e.sessionId(), e.pid(), e.nanos(), -1, false));
        }
        case "end", "term" -> {
          Integer index = open.remove(e.pid());
          if (index != null) {
            Run run = runs.get(index);
            runs.set(index, new Run(run.sessionId(), run.pid(), run.startNanos(), e.nanos(), e.kind().equals("term")));
          }
        }
        default -> {
        }
      }
    }
    return List.copyOf(runs);
  }

  /** Runs refused because their session was already running: must be empty. */
  public List<Entry> overlaps() {
    return entries().stream().filter(e -> e.kind().equals("overlap")).toList();
  }
}
