package dev.ccs.core.config;

import java.util.List;

/** A configuration that cannot be used; the message names each bad key, its value and what is allowed. */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(String source, List<String> problems) {
    super(source + ": " + (problems.size() == 1 ? problems.get(0)
        : problems.size() + " problems:\n  - " + String.join("\n  - ", problems)));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
    this.problems = List.of(message);
  }

  /** One line per problem found. */
  public List<String> problems() {
    return problems;
  }
}
