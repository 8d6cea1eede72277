package dev.ccs.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of ccs, from the build. */
public final class Version {

  private static final String VERSION = load();

  private Version() {
  }

  public static String current() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "unknown");
      return version.startsWith("${") ? "unknown" : version;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
