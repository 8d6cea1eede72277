package dev.ccs.core.config;

import java.util.List;
import java.util.Objects;

/**
 * How the server writes its log file ({@code logFile}): its own messages and one line per request.
 *
 * @param format {@code text} or {@code json} (one object per line), config {@code logFormat}
 * @param maxBytes the size at which the file is rotated, config {@code logMaxBytes}
 * @param maxFiles how many files are kept, the current one included, config {@code logMaxFiles}
 */
public record LogConfig(String format, long maxBytes, int maxFiles) {

  public static final List<String> FORMATS = List.of("text", "json");
  public static final LogConfig DEFAULT = new LogConfig("text", 10L * 1024 * 1024, 5);

  public LogConfig {
    Objects.requireNonNull(format, "logFormat");
    if (!FORMATS.contains(format)) {
      throw new IllegalArgumentException("\"logFormat\" is \"" + format + "\"; allowed: " + FORMATS);
    }
    if (maxBytes < 64 * 1024 || maxBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("\"logMaxBytes\" is " + maxBytes + "; allowed: 65536 to 2147483647");
    }
    Checks.range("logMaxFiles", maxFiles, 1, 100);
  }
}
