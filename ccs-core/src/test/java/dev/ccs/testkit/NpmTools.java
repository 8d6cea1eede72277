package dev.ccs.testkit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Pinned npm packages that tests need (the real CLI, a headless browser), installed once into a
 * per-user cache ({@code ~/.cache/ccs/<name>}, or {@code CCS_CLI_CACHE}) with the machine's npm.
 * Several test JVMs may ask at once: one installs, the others wait on a file lock. When the
 * packages cannot be had, the calling test fails under CI ({@code CI} set) and is skipped with a
 * visible notice elsewhere.
 */
public final class NpmTools {

  private NpmTools() {
  }

  /** The cache directory of test tools. */
  public static Path cache() {
    String root = System.getenv("CCS_CLI_CACHE");
    return root != null && !root.isBlank() ? Path.of(root) : Path.of(System.getProperty("user.home"), ".cache", "ccs");
  }

  /**
   * The directory holding {@code packages} (exact versions, {@code name@version}) under
   * {@code node_modules}, installing them when missing.
   */
  public static synchronized Path installed(String name, List<String> packages) {
    try {
      Path cache = cache();
      Path dir = cache.resolve(name);
      Files.createDirectories(cache);
      try (FileChannel channel = FileChannel.open(cache.resolve(name + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
        if (!present(dir, packages)) {
          install(dir, packages);
        }
        if (!present(dir, packages)) {
          throw new IllegalStateException("npm installed into " + dir + " but " + packages + " are not all there");
        }
        return dir;
      }
    } catch (IOException | RuntimeException e) {
      return unavailable(packages + ": " + e.getMessage());
    }
  }

  /** Fails the test under CI, skips it elsewhere. */
  public static <T> T unavailable(String message) {
    String ci = System.getenv("CI");
    if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
      throw new AssertionError(message);
    }
    System.err.println("NOTICE: skipping test: " + message);
    Assumptions.abort(message);
    return null;
  }

  private static boolean present(Path dir, List<String> packages) {
    for (String spec : packages) {
      int at = spec.lastIndexOf('@');
      String pkg = at > 0 ? spec.substring(0, at) : spec;
      String version = at > 0 ? spec.substring(at + 1) : null;
      Path manifest = dir.resolve("node_modules").resolve(pkg).resolve("package.json");
      try {
        if (!Files.exists(manifest) || (version != null
            && !Files.readString(manifest).contains("\"version\": \"" + version + "\""))) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  static void install(Path dir, List<String> packages) throws IOException {
    Files.createDirectories(dir);
    Path packageJson = dir.resolve("package.json");
    if (!Files.exists(packageJson)) {
      Files.writeString(packageJson, "{\"name\":\"ccs-test-" + dir.getFileName() + "\",\"private\":true}\n");
    }
    System.err.println("NOTICE: installing " + packages + " into " + dir + " (npm) ...");
    List<String> command = new ArrayList<>(List.of("npm", "install", "--prefer-online", "--no-audit", "--no-fund",
        "--loglevel=error"));
    command.addAll(packages);
    String output = run(dir, command, 900);
    if (output != null) {
      throw new IllegalStateException("npm install failed: " + output);
    }
  }

  /** Runs a command in {@code dir}; null on success, else its output (the end of it). */
  public static String run(Path dir, List<String> command, int timeoutSeconds) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return "cannot run " + command.get(0) + " (" + e.getMessage() + "); is Node.js with npm installed?";
    }
    byte[] output = process.getInputStream().readAllBytes();
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return command + " timed out";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    String text = new String(output, StandardCharsets.UTF_8).strip();
    return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + tail(text);
  }

  private static String tail(String text) {
    return text.length() > 3000 ? "..." + text.substring(text.length() - 3000) : text;
  }
}
