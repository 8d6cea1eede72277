package dev.ccs.core.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/** Argument checks for config records; messages name the config key. */
final class Checks {

  private Checks() {
  }

  static void range(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "\"" + key + "\" is " + value + "; allowed: an integer from " + min + " to " + max);
    }
  }

  static void positive(String key, Duration value) {
    Objects.requireNonNull(value, key);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("\"" + key + "\" is " + value.toMillis()
          + "; allowed: a positive number of milliseconds");
    }
  }

  static void nonNegative(String key, BigDecimal value) {
    if (value != null && value.signum() < 0) {
      throw new IllegalArgumentException(
          "\"" + key + "\" is " + value.toPlainString() + "; allowed: a number >= 0");
    }
  }
}
