package dev.ccs.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A secret as the config writes it: the value itself, or {@code ${env:NAME}} (an environment
 * variable of the server) or {@code ${file:PATH}} (a file's content, trailing newline dropped), so
 * that keys need not sit in the config file. References are resolved when a run needs them, so a
 * rotated key file is picked up by the next run; the config keeps the reference, never the value.
 */
public final class SecretReference {

  /** The largest secret file read: a key is a line, not a document. */
  static final int MAX_FILE_BYTES = 64 * 1024;

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]*)}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");

  private SecretReference() {
  }

  /** Whether {@code written} is a reference ({@code ${env:…}} or {@code ${file:…}}) rather than a value. */
  public static boolean isReference(String written) {
    return written != null && REFERENCE.matcher(written).matches();
  }

  /**
   * What is wrong with {@code written} as a reference, or null when nothing is (a plain value, or a
   * well-formed reference). Never includes the value.
   */
  public static String problem(String written) {
    if (written == null || !written.startsWith("${")) {
      return null;
    }
    Matcher m = REFERENCE.matcher(written);
    if (!m.matches()) {
      return "is neither a value nor a reference of the form ${env:NAME} or ${file:PATH}";
    }
    if (m.group(1).equals("env") && !ENV_NAME.matcher(m.group(2)).matches()) {
      return "names an environment variable that is not a valid name";
    }
    if (m.group(1).equals("file") && !Path.of(m.group(2)).isAbsolute()) {
      return "names a file by a relative path; give it absolute";
    }
    return null;
  }

  /** The secret {@code written} stands for, read from the process environment and the file system. */
  public static String resolve(String written) {
    return resolve(written, System.getenv());
  }

  /**
   * The secret {@code written} stands for.
   *
   * @throws IllegalStateException naming the variable or file (never a value) when it cannot be read
   */
  public static String resolve(String written, Map<String, String> environment) {
    return resolve(written, environment::get);
  }

  private static String resolve(String written, Function<String, String> environment) {
    if (written == null) {
      return null;
    }
    Matcher m = REFERENCE.matcher(written);
    if (!m.matches()) {
      return written;
    }
    String target = m.group(2);
    if (m.group(1).equals("env")) {
      String value = environment.apply(target);
      if (value == null) {
        throw new IllegalStateException("environment variable " + target + " is not set");
      }
      return value;
    }
    Path file = Path.of(target);
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IllegalStateException("secret file " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
          : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    } catch (IOException e) {
      throw new IllegalStateException("secret file " + file + " cannot be read (" + e.getClass().getSimpleName()
          + ")", e);
    }
  }
}
