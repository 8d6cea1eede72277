package dev.ccs.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real, pinned {@code claude} CLI for tests. {@link #executable()} finds it, installing it with
 * npm into a per-user cache when it is missing ({@code ~/.cache/ccs/claude-cli-<version>}; about
 * 10 s and 360 MB once). When it cannot be had (no npm, no registry), the calling test fails with a
 * clear message under CI ({@code CI} set) and is skipped with a visible notice elsewhere.
 *
 * <p>Overrides: {@code CCS_REAL_CLAUDE} (path to a binary to use as is), {@code CCS_CLI_CACHE}
 * (cache directory), system property {@code ccs.claude.cli.version} (set by the build from the
 * parent POM's {@code claude.cli.version}).
 */
public final class RealClaude {

  public static final String VERSION = System.getProperty("ccs.claude.cli.version", "2.1.330");

  private static Path executable;
  private static String problem;

  private RealClaude() {
  }

  /** The CLI binary, or the test is aborted (or failed under CI) with the reason. */
  public static synchronized Path executable() {
    if (executable == null && problem == null) {
      try {
        executable = locateOrInstall();
      } catch (RuntimeException | IOException e) {
        problem = e.getMessage();
      }
    }
    if (executable == null) {
      NpmTools.unavailable("the real claude CLI " + VERSION + " is unavailable: " + problem);
    }
    return executable;
  }

  /**
   * A clean environment for the CLI: nothing from the machine running the tests, so that the CLI
   * can only talk to {@code mock}, with its own config and temp directories under {@code home}.
   */
  public static Map<String, String> environment(Path home, MockAnthropic mock) {
    try {
      Files.createDirectories(home.resolve("config"));
      Files.createDirectories(home.resolve("tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env = new HashMap<>();
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("HOME", home.toString());
    env.put("TMPDIR", home.resolve("tmp").toString());
    env.put("CLAUDE_CONFIG_DIR", home.resolve("config").toString());
    env.put("ANTHROPIC_BASE_URL", mock.baseUrl());
    env.put("ANTHROPIC_API_KEY", "test-key");
    env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    env.put("DISABLE_AUTOUPDATER", "1");
    env.put("CLAUDE_CODE_MAX_RETRIES", "0");
    env.put("LANG", "C.UTF-8");
    return env;
  }

  private static Path locateOrInstall() throws IOException {
    String explicit = System.getenv("CCS_REAL_CLAUDE");
    if (explicit != null && !explicit.isBlank()) {
      Path path = Path.of(explicit);
      if (!Files.isExecutable(path)) {
        throw new IllegalStateException("CCS_REAL_CLAUDE=" + explicit + " is not an executable file");
      }
      return path;
    }
    Path cache = NpmTools.cache();
    Path dir = cache.resolve("claude-cli-" + VERSION);
    Path binary = dir.resolve("node_modules").resolve(".bin").resolve("claude");
    Files.createDirectories(cache);
    // Several test JVMs (one per module) may get here at once: one installs, the others wait.
    try (FileChannel channel = FileChannel.open(cache.resolve("claude-cli-" + VERSION + ".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
      if (versionMatches(binary)) {
        return binary;
      }
      install(dir);
      if (!versionMatches(binary)) {
        // npm may have skipped the postinstall that puts the native binary in place.
        run(dir, List.of("node", "node_modules/@anthropic-ai/claude-code/install.cjs"), 120);
      }
      if (!versionMatches(binary)) {
        throw new IllegalStateException("installed into " + dir + " but `claude --version` does not report " + VERSION);
      }
      return binary;
    }
  }

  private static void install(Path dir) throws IOException {
    NpmTools.install(dir, List.of("@anthropic-ai/claude-code@" + VERSION));
  }

  private static String run(Path dir, List<String> command, int timeoutSeconds) throws IOException {
    return NpmTools.run(dir, command, timeoutSeconds);
  }

  private static boolean versionMatches(Path binary) {
    if (!Files.isExecutable(binary)) {
      return false;
    }
    try {
      Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0 && text.startsWith(VERSION + " ");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** An environment map merged from {@code base} and {@code extra}. */
  public static Map<String, String> with(Map<String, String> base, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(base);
    env.putAll(extra);
    return env;
  }
}
