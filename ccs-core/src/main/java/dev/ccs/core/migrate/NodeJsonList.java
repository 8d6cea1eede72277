package dev.ccs.core.migrate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reads the records of one of the Node server's JSON files (LowDB's {@code {"sessions": [...]}},
 * {@code {"tasks": [...]}}, a message file's {@code {"messages": [...]}}, or a bare array) one at a
 * time, so that a large file is never in memory at once. The Node server tears these files (it
 * rewrites message files in place, without a temporary file), so a file cut short still gives every
 * record before the cut, and says where it ended.
 */
final class NodeJsonList {

  /** How reading ended: every record, or the reason it stopped early (null when the file was whole). */
  record Outcome(int records, String problem) {

    boolean whole() {
      return problem == null;
    }
  }

  private NodeJsonList() {
  }

  /**
   * Gives each element of the array under {@code field} (or of a root array) to {@code each}.
   *
   * @throws IOException when the file cannot be opened
   */
  static Outcome read(Path file, String field, Consumer<JsonNode> each) throws IOException {
    int records = 0;
    try (InputStream in = Files.newInputStream(file); JsonParser parser = Json.mapper().createParser(in)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new Outcome(0, "the file is empty");
      }
      if (first == JsonToken.START_OBJECT) {
        if (!toField(parser, field)) {
          return new Outcome(0, "no \"" + field + "\" list in the file");
        }
        if (parser.nextToken() != JsonToken.START_ARRAY) {
          return new Outcome(0, "\"" + field + "\" is not a list");
        }
      } else if (first != JsonToken.START_ARRAY) {
        return new Outcome(0, "not a JSON object or list");
      }
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        if (token == null) {
          return new Outcome(records, "the file ends after " + records + " record(s) (cut short)");
        }
        JsonNode record = parser.readValueAsTree();
        each.accept(record);
        records++;
      }
      return new Outcome(records, null);
    } catch (com.fasterxml.jackson.core.io.JsonEOFException e) {
      return new Outcome(records, "the file ends after " + records + " record(s) (cut short)");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return new Outcome(records, "unreadable after " + records + " record(s): " + describe(e));
    }
  }

  /** Jackson's message without where it was (it names no file: the report does). */
  static String describe(com.fasterxml.jackson.core.JsonProcessingException e) {
    String message = e.getOriginalMessage();
    int cut = message.indexOf(" (start marker");
    message = cut < 0 ? message : message.substring(0, cut);
    int line = message.indexOf('\n');
    return line < 0 ? message : message.substring(0, line);
  }

  /** Moves the parser to the value of {@code field} in the current object, skipping others. */
  private static boolean toField(JsonParser parser, String field) throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      if (parser.currentName().equals(field)) {
        return true;
      }
      parser.nextToken();
      parser.skipChildren();
    }
    return false;
  }
}
