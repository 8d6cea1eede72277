package dev.ccs.httpd.routing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A JSON answer whose list is written one element at a time: {@code {...envelope, "<name>": [ ...
 * ], "count": n, ...trailer}}. An element is made (read from disk, say) just before it is written and dropped
 * after, so a long listing of large records is never in memory at once, however large the page.
 */
public final class JsonStream {

  private JsonStream() {
  }

  /**
   * @param envelope fields written before the list ({@code success}, ...)
   * @param items made one at a time as the list is written; an empty one (gone meanwhile) is skipped
   */
  public static <T> ApiResponse list(ObjectNode envelope, String name, Iterable<T> items,
      Function<T, Optional<? extends JsonNode>> element) {
    return list(envelope, name, items, element, null);
  }

  /**
   * As {@link #list(ObjectNode, String, Iterable, Function)}, with {@code trailer}'s fields after
   * {@code count} ({@code has_more}, {@code next_cursor}).
   */
  public static <T> ApiResponse list(ObjectNode envelope, String name, Iterable<T> items,
      Function<T, Optional<? extends JsonNode>> element, ObjectNode trailer) {
    return ApiResponse.streaming(200, "application/json; charset=utf-8", out -> {
      try (JsonGenerator json = Json.mapper().getFactory().createGenerator(out)) {
        json.writeStartObject();
        for (Iterator<Map.Entry<String, JsonNode>> fields = envelope.fields(); fields.hasNext(); ) {
          Map.Entry<String, JsonNode> field = fields.next();
          json.writeFieldName(field.getKey());
          Json.mapper().writeTree(json, field.getValue());
        }
        json.writeArrayFieldStart(name);
        int count = 0;
        for (T item : items) {
          Optional<? extends JsonNode> node = element.apply(item);
          if (node.isPresent()) {
            Json.mapper().writeTree(json, node.get());
            count++;
          }
        }
        json.writeEndArray();
        json.writeNumberField("count", count);
        if (trailer != null) {
          for (Iterator<Map.Entry<String, JsonNode>> fields = trailer.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            json.writeFieldName(field.getKey());
            Json.mapper().writeTree(json, field.getValue());
          }
        }
        json.writeEndObject();
      }
    });
  }
}
