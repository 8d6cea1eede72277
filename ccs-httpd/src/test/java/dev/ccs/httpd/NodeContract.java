package dev.ccs.httpd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Node server's API as data ({@code node-contract.json} in the test resources): scenarios with
 * the status and field types a Node client relies on, and the deliberate differences of ccs. The
 * checks live here, apart from any server, so that a test can show they catch a removed field or a
 * changed type.
 */
final class NodeContract {

  /** @param server the server it runs against: null for the plain one, {@code providers} for one with a provider */
  record Scenario(String server, String name, String method, String path, JsonNode body, int status, String difference,
      Map<String, String> fields, Map<String, String> save, String contentType, String waitForTask) {
  }

  record Difference(String id, String endpoint, String node, String ours, int status, String reason) {
  }

  final List<Scenario> scenarios = new ArrayList<>();
  final Map<String, Difference> differences = new LinkedHashMap<>();

  static NodeContract load() {
    try (InputStream in = NodeContract.class.getResourceAsStream("/node-contract.json")) {
      JsonNode root = Json.mapper().readTree(in);
      NodeContract contract = new NodeContract();
      for (JsonNode d : root.path("differences")) {
        contract.differences.put(d.path("id").asText(), new Difference(d.path("id").asText(), d.path("endpoint").asText(),
            d.path("node").asText(), d.path("ours").asText(), d.path("status").asInt(), d.path("reason").asText()));
      }
      for (JsonNode s : root.path("scenarios")) {
        contract.scenarios.add(new Scenario(s.hasNonNull("server") ? s.get("server").asText() : null,
            s.path("name").asText(), s.path("method").asText(), s.path("path").asText(),
            s.get("body"), s.path("status").asInt(), s.hasNonNull("difference") ? s.get("difference").asText() : null,
            strings(s.get("fields")), strings(s.get("save")), s.hasNonNull("contentType") ? s.get("contentType").asText()
                : null, s.hasNonNull("waitForTask") ? s.get("waitForTask").asText() : null));
      }
      return contract;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    if (node != null) {
      node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    }
    return map;
  }

  /** Every field of {@code fields} that {@code body} lacks or holds with another type, described. */
  static List<String> violations(JsonNode body, Map<String, String> fields) {
    List<String> problems = new ArrayList<>();
    fields.forEach((path, types) -> {
      List<JsonNode> values = new ArrayList<>();
      if (!collect(body, path.split("\\."), 0, values)) {
        problems.add(path + " is missing");
        return;
      }
      for (JsonNode value : values) {
        if (value.isMissingNode()) {
          problems.add(path + " is missing");
        } else if (!matches(value, types)) {
          problems.add(path + " is " + typeOf(value) + " (" + Json.write(value).replaceAll("(.{60}).+", "$1...")
              + "), not " + types);
        }
      }
    });
    return problems;
  }

  /** The values at {@code path} from {@code segment} on; false when an array on the way is missing. */
  private static boolean collect(JsonNode node, String[] path, int segment, List<JsonNode> into) {
    if (segment == path.length) {
      into.add(node);
      return true;
    }
    String part = path[segment];
    if (part.endsWith("[]")) {
      JsonNode array = node.path(part.substring(0, part.length() - 2));
      if (!array.isArray()) {
        return false;
      }
      // An empty list has no element to check: the scenarios are arranged so that the lists checked have some.
      boolean ok = true;
      for (JsonNode element : array) {
        ok &= collect(element, path, segment + 1, into);
      }
      return ok && !array.isEmpty();
    }
    into.add(node.path(part));
    if (segment + 1 < path.length) {
      into.remove(into.size() - 1);
      return collect(node.path(part), path, segment + 1, into);
    }
    return true;
  }

  private static boolean matches(JsonNode value, String types) {
    for (String type : types.split("\\|")) {
      boolean ok = switch (type) {
        case "string" -> value.isTextual();
        case "number" -> value.isNumber();
        case "integer" -> value.isIntegralNumber() || value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0;
        case "boolean" -> value.isBoolean();
        case "object" -> value.isObject();
        case "array" -> value.isArray();
        case "null" -> value.isNull();
        default -> throw new IllegalArgumentException("unknown type in the contract: " + type);
      };
      if (ok) {
        return true;
      }
    }
    return false;
  }

  private static String typeOf(JsonNode value) {
    return value.isTextual() ? "a string" : value.isNumber() ? "a number" : value.isBoolean() ? "a boolean"
        : value.isObject() ? "an object" : value.isArray() ? "an array" : value.isNull() ? "null" : value.getNodeType().name();
  }

  /** The README's table of the differences, as it must read. */
  String differencesTable() {
    StringBuilder table = new StringBuilder("| Where | Node server | ccs | Why |\n|---|---|---|---|\n");
    for (Difference d : differences.values()) {
      table.append("| `").append(d.endpoint()).append("` | ").append(d.node()).append(" | ").append(d.ours())
          .append(" | ").append(d.reason()).append(" |\n");
    }
    return table.toString();
  }
}
