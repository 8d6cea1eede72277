package dev.ccs.cli.command;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A command's arguments: positional ones, and {@code --name value} / {@code -n value} options. */
final class Args {

  final List<String> positional = new ArrayList<>();
  final Map<String, String> options = new HashMap<>();
  final List<String> unknown = new ArrayList<>();

  /**
   * @param withValue options that take a value
   * @param flags options that take none (their value reads "true")
   */
  static Args parse(List<String> args, Set<String> withValue, Set<String> flags) {
    Args parsed = new Args();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (withValue.contains(arg) && i + 1 < args.size()) {
        parsed.options.put(arg, args.get(++i));
      } else if (flags.contains(arg)) {
        parsed.options.put(arg, "true");
      } else if (arg.startsWith("-") && arg.length() > 1 && !arg.matches("-\\d+")) {
        parsed.unknown.add(arg);
      } else {
        parsed.positional.add(arg);
      }
    }
    return parsed;
  }

  String positional(int index) {
    return index < positional.size() ? positional.get(index) : null;
  }

  String option(String name) {
    return options.get(name);
  }

  boolean flag(String name) {
    return options.containsKey(name);
  }

  /** The option as a number within bounds, or {@code fallback}; null when it is not such a number. */
  Integer number(String name, int fallback, int min, int max) {
    String value = options.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      return n < min || n > max ? null : n;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
