package dev.ccs.httpd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JVMs and flags that tests run the server with: the README's own run command (so a test
 * under "the README's flags" cannot drift from what users are told), on this JVM or on an
 * installed newer one.
 */
final class Jvms {

  private static final Pattern RUN_COMMAND = Pattern.compile("java ((?:-\\S+ )+)-jar ccs-httpd/target/ccs-httpd\\.jar");

  private Jvms() {
  }

  /** The JVM flags of the README's command that runs the server. */
  static List<String> readmeFlags() {
    Path readme = repositoryRoot().resolve("README.md");
    try {
      Matcher m = RUN_COMMAND.matcher(Files.readString(readme));
      if (!m.find()) {
        throw new AssertionError("README.md has no 'java <flags> -jar ccs-httpd/target/ccs-httpd.jar' command");
      }
      return List.copyOf(Arrays.asList(m.group(1).trim().split(" +")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("README.md"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new AssertionError("no README.md above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** This JVM's {@code java}. */
  static Path current() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** The feature version of a JDK's {@code release} file, or 0. */
  private static int feature(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          return Integer.parseInt(version.split("[.+-]")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not a JDK
    }
    return 0;
  }

  /**
   * An installed JDK of at least {@code feature} (the newest), from {@code CCS_TEST_JDK_HOME} or
   * {@code /usr/lib/jvm}.
   */
  static Optional<Path> atLeast(int feature) {
    List<Path> homes = new ArrayList<>();
    String explicit = System.getenv("CCS_TEST_JDK_HOME");
    if (explicit != null && !explicit.isBlank()) {
      homes.add(Path.of(explicit));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> list = Files.list(jvms)) {
        list.filter(Files::isDirectory).forEach(homes::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return homes.stream().filter(home -> Files.isExecutable(home.resolve("bin").resolve("java")))
        .filter(home -> feature(home) >= feature)
        .max(Comparator.comparingInt(Jvms::feature))
        .map(home -> home.resolve("bin").resolve("java"));
  }

  /** The java of a JDK 21+, or a skipped test (a failed one on CI, where one must be installed). */
  static Path newest() {
    Optional<Path> java = atLeast(21);
    if (java.isEmpty()) {
      String message = "no JDK 21 or later under /usr/lib/jvm (or CCS_TEST_JDK_HOME): the Java 21+ run is skipped";
      if (System.getenv("CI") != null) {
        throw new AssertionError(message);
      }
      org.junit.jupiter.api.Assumptions.abort(message);
    }
    return java.get();
  }
}
