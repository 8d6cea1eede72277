package dev.ccs.core.exec;

import dev.ccs.core.config.ConfigRedaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Removes secret values (API keys, tokens) from text before it is logged or returned. */
public final class Redactor {

  private static final int MIN_SECRET_LENGTH = 6;

  private final List<String> secrets;

  private Redactor(List<String> secrets) {
    this.secrets = secrets;
  }

  /** Whether a variable or field of this name holds a secret, going by its name. */
  public static boolean secretName(String name) {
    return ConfigRedaction.secretName(name);
  }

  /** A redactor for the values of every variable of {@code env} whose name suggests a secret. */
  public static Redactor forEnvironment(Map<String, String> env) {
    List<String> secrets = new ArrayList<>();
    env.forEach((name, value) -> {
      if (value != null && value.length() >= MIN_SECRET_LENGTH && secretName(name)) {
        secrets.add(value);
      }
    });
    // Longest first, so a secret that contains another is replaced whole.
    secrets.sort(Comparator.comparingInt(String::length).reversed());
    return new Redactor(List.copyOf(secrets));
  }

  public String redact(String text) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, "***");
    }
    return result;
  }
}
