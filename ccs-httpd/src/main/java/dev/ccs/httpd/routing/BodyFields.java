package dev.ccs.httpd.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.money.Decimals;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads a JSON request body with the Node server's (Joi's) validation rules and messages:
 * {@code "prompt" is required}, {@code "priority" must be less than or equal to 10},
 * {@code "foo" is not allowed}. Fields are read in the schema's order and the first problem is
 * reported; unknown keys are reported after the known ones, as Joi does.
 */
public final class BodyFields {

  private final ObjectNode body;
  private final Set<String> known = new LinkedHashSet<>();

  public BodyFields(ObjectNode body) {
    this.body = body;
  }

  private JsonNode get(String name) {
    known.add(name);
    return body.get(name);
  }

  private static CcsException.InvalidRequest invalid(String message) {
    return new CcsException.InvalidRequest(message);
  }

  /** A string of at least one character. */
  public String requiredString(String name) {
    JsonNode value = get(name);
    if (value == null) {
      throw invalid("\"" + name + "\" is required");
    }
    if (!value.isTextual()) {
      throw invalid("\"" + name + "\" must be a string");
    }
    if (value.asText().isEmpty()) {
      throw invalid("\"" + name + "\" is not allowed to be empty");
    }
    return value.asText();
  }

  /** A string, or null when absent, null or empty. */
  public String optionalString(String name) {
    JsonNode value = get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw invalid("\"" + name + "\" must be a string");
    }
    return value.asText().isEmpty() ? null : value.asText();
  }

  /** A string, or a JSON object given as its text (an inline config); null when absent, null or empty. */
  public String optionalStringOrObject(String name) {
    JsonNode value = body.get(name);
    if (value != null && value.isObject()) {
      known.add(name);
      return dev.ccs.core.json.Json.write(value);
    }
    return optionalString(name);
  }

  /** A string that, when present, may not be empty or null. */
  public String optionalNonEmptyString(String name) {
    JsonNode value = get(name);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw invalid("\"" + name + "\" must be a string");
    }
    if (value.asText().isEmpty()) {
      throw invalid("\"" + name + "\" is not allowed to be empty");
    }
    return value.asText();
  }

  public String optionalOneOf(String name, List<String> allowed) {
    JsonNode value = get(name);
    if (value == null) {
      return null;
    }
    if (!value.isTextual() || !allowed.contains(value.asText())) {
      throw invalid("\"" + name + "\" must be one of [" + String.join(", ", allowed) + "]");
    }
    return value.asText();
  }

  public BigDecimal optionalNumber(String name, BigDecimal min, BigDecimal max) {
    JsonNode value = get(name);
    if (value == null) {
      return null;
    }
    if (!value.isNumber()) {
      throw invalid("\"" + name + "\" must be a number");
    }
    // Bounded before any comparison: 1e-999999999 is ten bytes of JSON and a billion digits of plain text.
    BigDecimal number = Decimals.check(name, value.decimalValue());
    if (min != null && number.compareTo(min) < 0) {
      throw invalid("\"" + name + "\" must be greater than or equal to " + min.toPlainString());
    }
    if (max != null && number.compareTo(max) > 0) {
      throw invalid("\"" + name + "\" must be less than or equal to " + max.toPlainString());
    }
    return number;
  }

  public Integer optionalInteger(String name, int min, int max) {
    BigDecimal number = optionalNumber(name, BigDecimal.valueOf(min), BigDecimal.valueOf(max));
    if (number == null) {
      return null;
    }
    if (number.stripTrailingZeros().scale() > 0) {
      throw invalid("\"" + name + "\" must be an integer");
    }
    return number.intValueExact();
  }

  public Boolean optionalBoolean(String name) {
    JsonNode value = get(name);
    if (value == null) {
      return null;
    }
    if (!value.isBoolean()) {
      throw invalid("\"" + name + "\" must be a boolean");
    }
    return value.booleanValue();
  }

  /** An array of strings, or an empty list when absent. */
  public List<String> optionalStringArray(String name) {
    JsonNode value = get(name);
    if (value == null) {
      return List.of();
    }
    if (!value.isArray()) {
      throw invalid("\"" + name + "\" must be an array");
    }
    List<String> items = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (!item.isTextual()) {
        throw invalid("\"" + name + "[" + i + "]\" must be a string");
      }
      items.add(item.asText());
    }
    return items;
  }

  /** An object, or null when absent. */
  public ObjectNode optionalObject(String name) {
    JsonNode value = get(name);
    if (value == null) {
      return null;
    }
    if (!value.isObject()) {
      throw invalid("\"" + name + "\" must be of type object");
    }
    return (ObjectNode) value;
  }

  /** A UUID, or null when absent, null or empty. */
  public UUID optionalUuid(String name) {
    String value = optionalString(name);
    if (value == null) {
      return null;
    }
    try {
      UUID uuid = UUID.fromString(value);
      if (!uuid.toString().equalsIgnoreCase(value)) {
        throw new IllegalArgumentException();
      }
      return uuid;
    } catch (IllegalArgumentException e) {
      throw invalid("\"" + name + "\" must be a valid GUID");
    }
  }

  /** An absolute http(s) URI, or null when absent. */
  public String optionalUri(String name) {
    JsonNode value = get(name);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw invalid("\"" + name + "\" must be a string");
    }
    try {
      URI uri = new URI(value.asText());
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw invalid("\"" + name + "\" must be a valid uri");
    }
    return value.asText();
  }

  /** Fails for the first key of the body that nothing read. */
  public void rejectUnknown() {
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw invalid("\"" + name + "\" is not allowed");
      }
    }
  }
}
