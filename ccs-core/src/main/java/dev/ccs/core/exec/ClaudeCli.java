package dev.ccs.core.exec;

import dev.ccs.core.process.Executables;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the {@code claude} CLI and reads its version. */
public final class ClaudeCli {

  /** How to install the CLI, for error messages. */
  public static final String INSTALL_HINT =
      "install it with `npm install -g @anthropic-ai/claude-code` or set \"claudePath\" in config.json";

  private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+\\.\\d+[\\w.+-]*)");

  private ClaudeCli() {
  }

  /**
   * Resolves {@code claudePath} on the PATH of {@code environment} and runs {@code --version}.
   * Never throws: an unusable CLI gives a status with a problem.
   */
  public static CliStatus probe(String claudePath, Map<String, String> environment, Duration timeout,
      Clock clock) {
    String pathVariable = environment.get("PATH");
    String resolved;
    try {
      resolved = Executables.resolve(claudePath, pathVariable);
    } catch (NoSuchFileException e) {
      return new CliStatus(claudePath, null, null, notFoundMessage(claudePath, pathVariable), clock.instant());
    } catch (IOException e) {
      return new CliStatus(claudePath, null, null,
          "Claude CLI \"" + claudePath + "\" cannot be run: " + e.getMessage() + "; " + INSTALL_HINT,
          clock.instant());
    }
    ProcessBuilder builder = new ProcessBuilder(resolved, "--version")
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(environment);
    try {
      Process process = builder.start();
      byte[] output;
      try (InputStream in = process.getInputStream()) {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          return new CliStatus(claudePath, resolved, null, "Claude CLI at " + resolved
              + " did not answer --version within " + timeout.toMillis() + " ms", clock.instant());
        }
        output = in.readNBytes(4096);
      }
      String text = new String(output, StandardCharsets.UTF_8).strip();
      if (process.exitValue() != 0) {
        return new CliStatus(claudePath, resolved, null, "Claude CLI at " + resolved + " failed: `--version` exited with "
            + process.exitValue() + (text.isEmpty() ? "" : ": " + firstLine(text)), clock.instant());
      }
      Matcher matcher = VERSION.matcher(text);
      return new CliStatus(claudePath, resolved, matcher.find() ? matcher.group(1) : firstLine(text), null,
          clock.instant());
    } catch (IOException e) {
      return new CliStatus(claudePath, resolved, null,
          "Claude CLI at " + resolved + " cannot be started: " + e.getMessage(), clock.instant());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new CliStatus(claudePath, resolved, null, "interrupted while probing the Claude CLI", clock.instant());
    }
  }

  static String notFoundMessage(String claudePath, String pathVariable) {
    if (claudePath.contains("/")) {
      return "Claude CLI not found at \"" + claudePath + "\"; " + INSTALL_HINT;
    }
    // The PATH itself is not repeated: this message is served on the unauthenticated /health.
    return "Claude CLI \"" + claudePath + "\" not found on the server's PATH" + (pathVariable == null ? " (PATH is unset)" : "")
        + "; " + INSTALL_HINT;
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    String line = newline < 0 ? text : text.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
