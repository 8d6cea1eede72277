package dev.ccs.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fast fake {@code claude} for volume tests: a POSIX shell script of builtins (no JVM, no other
 * process unless it waits), a few milliseconds per run. It drains its prompt, waits, and prints one
 * result line for the session it was given. It appends every start and end to {@code runs.log};
 * appends are atomic, so the order of the lines is the order of the events, and a test can prove
 * from it that no session ever ran twice at the same time and how many runs overlapped.
 *
 * <p>A prompt that starts with {@code slow} waits {@code slowMillis} instead, on its first run only,
 * so a test can leave long runs behind (for example by killing the server with SIGKILL); one that
 * starts with {@code wait:<millis>} waits that long. SIGTERM ends a wait at once and is logged.
 * With {@code --output-format=stream-json} it prints an init line and a partial text delta before
 * its result, as the real CLI does.
 */
public final class ShellClaude {

  /** One line of the log; {@code line} is its position, the order of events. */
  public record Entry(String kind, String sessionId, long pid, int line) {
  }

  /** One run of the fake: the log lines of its start and end ({@code endLine} -1 if it logged none). */
  public record Run(String sessionId, long pid, int startLine, int endLine, boolean terminated) {
  }

  private final Path dir;
  private final Path executable;

  private ShellClaude(Path dir, Path executable) {
    this.dir = dir;
    this.executable = executable;
  }

  public static ShellClaude create(Path dir, long delayMillis, long slowMillis) {
    return create(dir, delayMillis, slowMillis, 0);
  }

  /**
   * A fake that bills like the CLI: each run of a session costs {@code costPerRunTenMillionths}
   * (units of 10^-7 USD; 123000 is $0.0123) and reports the CLI session's running total, in
   * {@code total_cost_usd} and in {@code modelUsage} under {@code claude-a} (sessions whose id starts
   * with 0-7) or {@code claude-b} (the others), 10 input and 2 output tokens per run.
   */
  public static ShellClaude billing(Path dir, long costPerRunTenMillionths) {
    return billing(dir, costPerRunTenMillionths, 0);
  }

  /** {@link #billing(Path, long)} whose runs each take {@code delayMillis}. */
  public static ShellClaude billing(Path dir, long costPerRunTenMillionths, long delayMillis) {
    return create(dir, delayMillis, 0, costPerRunTenMillionths);
  }

  private static ShellClaude create(Path dir, long delayMillis, long slowMillis, long cost) {
    try {
      Files.createDirectories(dir);
      Path script = dir.resolve("claude");
      Files.writeString(script, script(dir, delayMillis, slowMillis, cost));
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      return new ShellClaude(dir, script);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String seconds(long millis) {
    return String.format(java.util.Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
  }

  private static String script(Path dir, long delayMillis, long slowMillis, long cost) {
    String d = dir.toAbsolutePath().toString();
    if (d.contains("'")) {
      throw new IllegalArgumentException("directory names with quotes are not supported: " + d);
    }
    return "#!/bin/sh\n"
        + "log='" + d + "/runs.log'\n"
        + "sid=00000000-0000-4000-8000-000000000000\n"
        + "stream=\n"
        + "for a in \"$@\"; do case \"$a\" in --session-id=*|--resume=*) sid=\"${a#*=}\";;"
        + " --output-format=stream-json) stream=1;; esac; done\n"
        + "waiter=\n"
        // The trap is set before the start is logged: a test that sees the start and sends SIGTERM
        // must find the term line (it was set after, and a signal in between ended the script unlogged).
        + "trap '[ -n \"$waiter\" ] && kill $waiter 2>/dev/null; echo \"term $sid $$\" >> \"$log\"; exit 143' TERM\n"
        + "echo \"start $sid $$\" >> \"$log\"\n"
        // The server may be gone (SIGKILL): writing the result must not kill the script first.
        + "trap '' PIPE\n"
        + "prompt=\n"
        + "while IFS= read -r line || [ -n \"$line\" ]; do prompt=\"$prompt$line\"; line=; done\n"
        + "wait=" + seconds(delayMillis) + "\n"
        + "case \"$prompt\" in slow*)\n"
        + "  n=0; while IFS= read -r entry; do case \"$entry\" in \"start $sid \"*) n=$((n + 1));; esac; done < \"$log\"\n"
        + "  [ $n = 1 ] && wait=" + seconds(slowMillis) + ";;\n"
        + "wait:*) ms=${prompt#wait:}; ms=${ms%%[!0-9]*}; wait=$((ms / 1000)).$(printf %03d $((ms % 1000)));;\n"
        + "esac\n"
        + "if [ -n \"$stream\" ]; then\n"
        + "  printf '{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"%s\"}\\n' \"$sid\"\n"
        + "  printf '{\"type\":\"stream_event\",\"event\":{\"type\":\"content_block_delta\",\"index\":0,"
        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"ok\"}},\"session_id\":\"%s\"}\\n' \"$sid\"\n"
        + "fi\n"
        // In the background, so that SIGTERM interrupts the wait instead of waiting for it.
        + "if [ \"$wait\" != 0.000 ]; then sleep $wait & waiter=$!; wait $waiter; waiter=; fi\n"
        + "trap '' TERM\n"
        + "echo \"end $sid $$\" >> \"$log\"\n"
        + (cost == 0 ? "printf '{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"num_turns\":1,"
            + "\"result\":\"ok\",\"session_id\":\"%s\",\"total_cost_usd\":0.001,"
            + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}\\n' \"$sid\"\n"
            : billingResult(cost));
  }

  /** The result line of {@link #billing}: the session's running totals after its n-th run. */
  private static String billingResult(long cost) {
    return "n=0; while IFS= read -r entry; do case \"$entry\" in \"end $sid \"*) n=$((n + 1));; esac; done < \"$log\"\n"
        + "t=$((n * " + cost + ")); total=$((t / 10000000)).$(printf %07d $((t % 10000000)))\n"
        + "case \"$sid\" in [0-7]*) model=claude-a;; *) model=claude-b;; esac\n"
        + "printf '{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"num_turns\":1,\"result\":\"ok\","
        + "\"session_id\":\"%s\",\"total_cost_usd\":%s,\"duration_api_ms\":5,"
        + "\"usage\":{\"input_tokens\":10,\"output_tokens\":2},\"modelUsage\":{\"%s\":{\"inputTokens\":%d,"
        + "\"outputTokens\":%d,\"cacheReadInputTokens\":0,\"cacheCreationInputTokens\":0,\"costUSD\":%s}}}\\n' "
        + "\"$sid\" \"$total\" \"$model\" $((n * 10)) $((n * 2)) \"$total\"\n";
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
        if (parts.length == 3) {
          entries.add(new Entry(parts[0], parts[1], Long.parseLong(parts[2]), entries.size()));
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
    Map<Long, Integer> open = new HashMap<>(); // pid -> index of its run (pids may be reused later)
    for (Entry e : entries()) {
      switch (e.kind()) {
        case "start" -> {
          open.put(e.pid(), runs.size());
          runs.add(new Run(e.sessionId(), e.pid(), e.line(), -1, false));
        }
        case "end", "term" -> {
          Integer index = open.remove(e.pid());
          if (index != null) {
            Run run = runs.get(index);
            runs.set(index, new Run(run.sessionId(), run.pid(), run.startLine(), e.line(), e.kind().equals("term")));
          }
        }
        default -> {
        }
      }
    }
    return List.copyOf(runs);
  }

  /** Starts of a session while an earlier run of it had not ended: must be empty. */
  public List<Entry> overlaps() {
    List<Entry> overlaps = new ArrayList<>();
    Map<String, Integer> running = new HashMap<>();
    Map<Long, String> sessionOfPid = new HashMap<>();
    for (Entry e : entries()) {
      if (e.kind().equals("start")) {
        if (running.merge(e.sessionId(), 1, Integer::sum) > 1) {
          overlaps.add(e);
        }
        sessionOfPid.put(e.pid(), e.sessionId());
      } else {
        String session = sessionOfPid.remove(e.pid());
        if (session != null) {
          running.merge(session, -1, Integer::sum);
        }
      }
    }
    return overlaps;
  }

  /** The most runs that had started and not yet ended at any point of the log. */
  public int maxRunningAtOnce() {
    int running = 0;
    int max = 0;
    for (Entry e : entries()) {
      running += e.kind().equals("start") ? 1 : -1;
      max = Math.max(max, running);
    }
    return max;
  }
}
