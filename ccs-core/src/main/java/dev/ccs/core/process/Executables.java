package dev.ccs.core.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Finds programs the way a shell does: a name with a slash is a path, anything else is looked up on PATH. */
public final class Executables {

  private Executables() {
  }

  /**
   * The absolute path of {@code program}.
   *
   * @param path the PATH to search (colon separated), or null for none
   * @throws IOException when it is not found or not executable
   */
  public static String resolve(String program, String path) throws IOException {
    CacheKey key = new CacheKey(program, path);
    String cached = CACHE.get(key);
    if (cached != null) {
      return cached;
    }
    String resolved = lookUp(program, path);
    if (CACHE.size() > 64) {
      CACHE.clear();
    }
    CACHE.put(key, resolved);
    return resolved;
  }

  /**
   * Forgets what {@link #resolve} found for {@code program}: a start failed, so it may have moved.
   * (Answers are cached because every file-system check costs a system call per run.)
   */
  public static void forget(String program) {
    CACHE.keySet().removeIf(key -> key.program().equals(program));
  }

  private record CacheKey(String program, String path) {
  }

  private static final java.util.Map<CacheKey, String> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

  private static String lookUp(String program, String path) throws IOException {
    if (program.contains(File.separator)) {
      Path file = Path.of(program).toAbsolutePath();
      if (!Files.exists(file)) {
        throw new NoSuchFileException(program, null, "no such file");
      }
      if (Files.isDirectory(file) || !Files.isExecutable(file)) {
        throw new IOException(program + ": not an executable file");
      }
      return file.toString();
    }
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir, program);
        if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
          return candidate.toAbsolutePath().toString();
        }
      }
    }
    throw new NoSuchFileException(program, null, "not found on PATH");
  }
}
