package dev.ccs.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.money.Usd;
import java.math.BigDecimal;

/** Null-tolerant field access on parsed CLI output, which may lack any optional field. */
final class Fields {

  private Fields() {
  }

  static String text(JsonNode node, String name) {
    JsonNode value = node == null ? null : node.get(name);
    return value == null || value.isNull() ? null : value.asText();
  }

  static long longValue(JsonNode node, String name) {
    JsonNode value = node == null ? null : node.get(name);
    return value == null || !value.isNumber() ? 0L : value.asLong();
  }

  static Integer integerOrNull(JsonNode node, String name) {
    JsonNode value = node == null ? null : node.get(name);
    return value == null || !value.isNumber() ? null : value.asInt();
  }

  static Long longOrNull(JsonNode node, String name) {
    JsonNode value = node == null ? null : node.get(name);
    return value == null || !value.isNumber() ? null : value.asLong();
  }

  static boolean bool(JsonNode node, String name) {
    JsonNode value = node == null ? null : node.get(name);
    return value != null && value.asBoolean(false);
  }

  static BigDecimal usd(JsonNode node, String name) {
    JsonNode value = node == null ? null : node.get(name);
    return value == null || !value.isNumber() ? null : Usd.normalize(value.decimalValue());
  }
}
