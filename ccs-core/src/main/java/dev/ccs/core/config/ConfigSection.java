package dev.ccs.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.money.Decimals;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one JSON object of the config file into typed values. A wrong value is recorded as a
 * problem (key, value, what is allowed) and the default is returned, so one pass reports every
 * problem of a file at once; keys that nothing asked for are reported as unknown.
 */
final class ConfigSection {

  private final String prefix;
  private final JsonNode node;
  private final Path baseDir;
  private final List<String> problems;
  private final List<ConfigSection> allSections;
  private final Set<String> seen = new HashSet<>();

  /** The root section of a file; every section read below it is tracked for {@link #allUnknownKeys()}. */
  static ConfigSection root(JsonNode node, Path baseDir, List<String> problems) {
    return new ConfigSection("", node, baseDir, problems, new ArrayList<>());
  }

  private ConfigSection(String prefix, JsonNode node, Path baseDir, List<String> problems,
      List<ConfigSection> allSections) {
    this.prefix = prefix;
    this.node = node == null ? NullNode.getInstance() : node;
    this.baseDir = baseDir;
    this.problems = problems;
    this.allSections = allSections;
    allSections.add(this);
  }

  private String key(String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }

  private JsonNode get(String name) {
    seen.add(name);
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? null : value;
  }

  boolean explicitNull(String name) {
    seen.add(name);
    JsonNode value = node.get(name);
    return value != null && value.isNull();
  }

  boolean has(String name) {
    return get(name) != null;
  }

  private void problem(String name, JsonNode value, String allowed) {
    problems.add("\"" + key(name) + "\" is " + value + "; allowed: " + allowed);
  }

  int integer(String name, int defaultValue, int min, int max) {
    JsonNode value = get(name);
    if (value == null) {
      return defaultValue;
    }
    // The Node server's TUI saves numbers it asked for as strings ("port": "5546"); accept those.
    if (value.isTextual() && value.asText().matches("-?\\d{1,10}")) {
      long parsed = Long.parseLong(value.asText());
      if (parsed >= min && parsed <= max) {
        return (int) parsed;
      }
    } else if (value.isIntegralNumber() && value.canConvertToLong()
        && value.longValue() >= min && value.longValue() <= max) {
      return (int) value.longValue();
    }
    problem(name, value, "an integer from " + min + " to " + max);
    return defaultValue;
  }

  Integer optionalInteger(String name, int min, int max) {
    return has(name) ? integer(name, min, min, max) : null;
  }

  Duration millis(String name, Duration defaultValue) {
    int value = integer(name, (int) Math.min(Integer.MAX_VALUE, defaultValue.toMillis()), 1, Integer.MAX_VALUE);
    return Duration.ofMillis(value);
  }

  Duration seconds(String name, Duration defaultValue) {
    int value = integer(name, (int) Math.min(Integer.MAX_VALUE, defaultValue.toSeconds()), 1, Integer.MAX_VALUE);
    return Duration.ofSeconds(value);
  }

  boolean bool(String name, boolean defaultValue) {
    JsonNode value = get(name);
    if (value == null) {
      return defaultValue;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isTextual() && (value.asText().equals("true") || value.asText().equals("false"))) {
      return Boolean.parseBoolean(value.asText());
    }
    problem(name, value, "true or false");
    return defaultValue;
  }

  String string(String name, String defaultValue) {
    JsonNode value = get(name);
    if (value == null) {
      return defaultValue;
    }
    if (!value.isTextual()) {
      problem(name, value, "a string");
      return defaultValue;
    }
    return value.asText();
  }

  String oneOf(String name, String defaultValue, List<String> allowed) {
    String value = string(name, defaultValue);
    if (value != null && !allowed.contains(value)) {
      problem(name, node.get(name), "one of " + allowed);
      return defaultValue;
    }
    return value;
  }

  BigDecimal decimal(String name, BigDecimal defaultValue) {
    JsonNode value = get(name);
    if (value == null) {
      return defaultValue;
    }
    BigDecimal parsed = null;
    if (value.isNumber()) {
      parsed = value.decimalValue();
    } else if (value.isTextual()) {
      try {
        parsed = new BigDecimal(value.asText().trim());
      } catch (NumberFormatException e) {
        parsed = null;
      }
    }
    if (parsed == null || parsed.signum() < 0) {
      problem(name, value, "a number >= 0");
      return defaultValue;
    }
    try {
      return Decimals.check(key(name), parsed);
    } catch (CcsException.InvalidRequest e) {
      problem(name, value, "a number >= 0 with at most " + Decimals.MAX_SCALE + " decimal places, below 1e"
          + Decimals.MAX_INTEGER_DIGITS);
      return defaultValue;
    }
  }

  Path path(String name, Path defaultValue) {
    String value = string(name, null);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      return ConfigPaths.resolve(value, baseDir);
    } catch (RuntimeException e) {
      problem(name, node.get(name), "a file system path");
      return defaultValue;
    }
  }

  List<Path> paths(String name) {
    JsonNode value = get(name);
    if (value == null) {
      return List.of();
    }
    if (!value.isArray()) {
      problem(name, value, "an array of paths");
      return List.of();
    }
    List<Path> result = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual() || item.asText().isBlank()) {
        problem(name, value, "an array of paths");
        return List.of();
      }
      result.add(ConfigPaths.resolve(item.asText(), baseDir));
    }
    return result;
  }

  /**
   * Addresses and CIDR blocks: a string or an array of them; {@code false} or 0 for none. The Node
   * server's {@code true} or hop count (trust whoever is in front) becomes {@code loopback}: a proxy
   * on this machine, the one case that needs no list.
   */
  List<AddressRange> addressRanges(String name, List<AddressRange> defaultValue) {
    JsonNode value = get(name);
    if (value == null) {
      return defaultValue;
    }
    if (value.isBoolean() || value.isIntegralNumber()) {
      boolean trust = value.isBoolean() ? value.asBoolean() : value.asLong() > 0;
      return trust ? List.of(AddressRange.parse("loopback")) : List.of();
    }
    List<JsonNode> items = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(items::add);
    } else {
      items.add(value);
    }
    List<AddressRange> result = new ArrayList<>();
    for (JsonNode item : items) {
      try {
        if (!item.isTextual()) {
          throw new IllegalArgumentException("not a string");
        }
        result.add(AddressRange.parse(item.asText()));
      } catch (IllegalArgumentException e) {
        problem(name, value, "an IP address, a CIDR block or \"loopback\", or an array of them, or false");
        return defaultValue;
      }
    }
    return result;
  }

  /**
   * Named paths: an array of paths, each named by its file name without {@code .json}, or an object
   * of names to paths.
   */
  Map<String, Path> namedPaths(String name) {
    JsonNode value = get(name);
    Map<String, Path> result = new LinkedHashMap<>();
    if (value == null) {
      return result;
    }
    if (value.isArray()) {
      for (Path path : paths(name)) {
        String file = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        result.put(file.endsWith(".json") ? file.substring(0, file.length() - 5) : file, path);
      }
      return result;
    }
    if (!value.isObject()) {
      problem(name, value, "an array of paths, or an object of names to paths");
      return result;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isTextual() || entry.getValue().asText().isBlank()) {
        problem(name, value, "an array of paths, or an object of names to paths");
        return new LinkedHashMap<>();
      }
      result.put(entry.getKey(), ConfigPaths.resolve(entry.getValue().asText(), baseDir));
    }
    return result;
  }

  /** An array of non-empty strings. */
  List<String> strings(String name) {
    JsonNode value = get(name);
    if (value == null) {
      return List.of();
    }
    List<String> result = new ArrayList<>();
    if (value.isArray()) {
      for (JsonNode item : value) {
        if (!item.isTextual() || item.asText().isBlank()) {
          problem(name, value, "an array of strings");
          return List.of();
        }
        result.add(item.asText());
      }
      return result;
    }
    problem(name, value, "an array of strings");
    return List.of();
  }

  Map<String, String> stringMap(String name) {
    JsonNode value = get(name);
    if (value == null) {
      return Map.of();
    }
    if (!value.isObject()) {
      problem(name, value, "an object of string values");
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode item = entry.getValue();
      if (item.isNull()) {
        continue;
      }
      if (!item.isValueNode()) {
        // Never echo the value: env maps hold secrets.
        problems.add("\"" + key(name) + "." + entry.getKey() + "\" is not a string; allowed: a string");
        continue;
      }
      result.put(entry.getKey(), item.asText());
    }
    return result;
  }

  ConfigSection section(String name) {
    JsonNode value = get(name);
    if (value != null && !value.isObject()) {
      problem(name, value, "an object");
      value = null;
    }
    return new ConfigSection(key(name), value, baseDir, problems, allSections);
  }

  <T> List<T> objects(String name, Function<ConfigSection, T> reader) {
    JsonNode value = get(name);
    if (value == null) {
      return List.of();
    }
    if (!value.isArray()) {
      problem(name, value, "an array of objects");
      return List.of();
    }
    List<T> result = new ArrayList<>();
    int index = 0;
    for (JsonNode item : value) {
      String itemKey = key(name) + "[" + index++ + "]";
      if (!item.isObject()) {
        problems.add("\"" + itemKey + "\" is " + item + "; allowed: an object");
        continue;
      }
      T read = reader.apply(new ConfigSection(itemKey, item, baseDir, problems, allSections));
      if (read != null) {
        result.add(read);
      }
    }
    return result;
  }

  /** Builds a record whose constructor checks rules that span keys; its message becomes a problem. */
  <T> T build(java.util.function.Supplier<T> constructor, T fallback) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      problems.add(e.getMessage() == null ? key("") + " is invalid" : e.getMessage());
      return fallback;
    }
  }

  /** Keys present anywhere in the file that nothing read, with their full dotted names. */
  List<String> allUnknownKeys() {
    List<String> unknown = new ArrayList<>();
    for (ConfigSection section : allSections) {
      unknown.addAll(section.unknownKeys());
    }
    return unknown;
  }

  private List<String> unknownKeys() {
    List<String> unknown = new ArrayList<>();
    if (node.isObject()) {
      node.fieldNames().forEachRemaining(name -> {
        if (!seen.contains(name)) {
          unknown.add(key(name));
        }
      });
    }
    return unknown;
  }
}
