package dev.ccs.core.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads processes from Linux's {@code /proc}: state, and environment variables. */
final class ProcFs {

  private static final Path PROC = Path.of("/proc");

  private ProcFs() {
  }

  static boolean available() {
    return Files.isReadable(PROC.resolve("self").resolve("environ"));
  }

  /** Whether {@code pid} has exited but not been reaped (state Z or X); false if it does not exist. */
  static boolean isZombie(long pid) {
    String stat = read(PROC.resolve(Long.toString(pid)).resolve("stat"));
    if (stat == null) {
      return false;
    }
    // "pid (comm) state ..."; comm may hold spaces and parentheses, so look after the last ')'.
    int close = stat.lastIndexOf(')');
    if (close < 0 || close + 2 >= stat.length()) {
      return false;
    }
    char state = stat.charAt(close + 2);
    return state == 'Z' || state == 'X';
  }

  /**
   * Processes whose environment holds variable {@code name}, with its value. Only processes of this
   * user can be read; that is all the processes ccs starts.
   */
  static Map<Long, String> processesWithVariable(String name) {
    Map<Long, String> found = new LinkedHashMap<>();
    processesWithVariables(name).forEach((pid, values) -> found.put(pid, values[0]));
    return found;
  }

  /**
   * Processes whose environment holds the first of {@code names}, with the values of all of them
   * (null where absent), read from one look at each process, so the values belong together.
   */
  static Map<Long, String[]> processesWithVariables(String... names) {
    Map<Long, String[]> found = new LinkedHashMap<>();
    byte[][] keys = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      keys[i] = (names[i] + "=").getBytes(StandardCharsets.UTF_8);
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
      for (Path entry : entries) {
        String dir = entry.getFileName().toString();
        if (dir.isEmpty() || !Character.isDigit(dir.charAt(0))) {
          continue;
        }
        byte[] environ;
        try {
          environ = Files.readAllBytes(entry.resolve("environ"));
        } catch (IOException | SecurityException e) {
          continue; // gone, or another user's
        }
        String first = variable(environ, keys[0]);
        if (first != null) {
          String[] values = new String[names.length];
          values[0] = first;
          for (int i = 1; i < names.length; i++) {
            values[i] = variable(environ, keys[i]);
          }
          found.put(Long.parseLong(dir), values);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return found;
    }
    return found;
  }

  /** The value of the variable whose {@code NAME=} is {@code key} in a NUL-separated environment block. */
  private static String variable(byte[] environ, byte[] key) {
    int start = 0;
    while (start < environ.length) {
      int end = start;
      while (end < environ.length && environ[end] != 0) {
        end++;
      }
      if (end - start >= key.length && startsWith(environ, start, key)) {
        return new String(environ, start + key.length, end - start - key.length, StandardCharsets.UTF_8);
      }
      start = end + 1;
    }
    return null;
  }

  private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return null;
    }
  }
}
