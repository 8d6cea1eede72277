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
