package dev.ccs.core.io;

import java.nio.file.Path;

/**
 * The user's home directory: {@code $HOME} when set, as the Node server and every shell see it,
 * else Java's {@code user.home} (which comes from the password database and ignores {@code $HOME}).
 */
public final class UserHome {

  private UserHome() {
  }

  public static Path get() {
    String home = System.getenv("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
  }
}
