package dev.ccs.core.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads process groups from Linux's {@code /proc}. */
final class ProcFs {

  private static final Path PROC = Path.of("/proc");

  private ProcFs() {
  }

  static boolean available() {
    return Files.isReadable(PROC.resolve("self").resolve("stat"));
  }

  /** Pids of live processes whose process group is {@code pgid}. */
  static List<Long> groupMembers(long pgid) {
    List<Long> members = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(name);
        } catch (NumberFormatException e) {
          continue;
        }
        long[] ids = groupAndState(entry.resolve("stat"));
        // ids[1] == 1 marks a zombie: it has exited and only waits to be reaped.
        if (ids != null && ids[0] == pgid && ids[1] == 0) {
          members.add(pid);
        }
      }
    } catch (IOException e) {
      return members;
    }
    return members;
  }

  /** Whether {@code pid} has exited but not been reaped (state Z or X); false if it does not exist. */
  static boolean isZombie(long pid) {
    long[] ids = groupAndState(PROC.resolve(Long.toString(pid)).resolve("stat"));
    return ids != null && ids[1] == 1;
  }

  /** {pgrp, zombie ? 1 : 0} from {@code /proc/<pid>/stat}, or null if the process is gone. */
  private static long[] groupAndState(Path stat) {
    String text;
    try {
      text = new String(Files.readAllBytes(stat), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return null;
    }
    // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses, so parse after the last ')'.
    int close = text.lastIndexOf(')');
    if (close < 0 || close + 2 >= text.length()) {
      return null;
    }
    String[] fields = text.substring(close + 2).split(" ", 5);
    if (fields.length < 4) {
      return null;
    }
    try {
      return new long[] {Long.parseLong(fields[2]), "Z".equals(fields[0]) || "X".equals(fields[0]) ? 1 : 0};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
