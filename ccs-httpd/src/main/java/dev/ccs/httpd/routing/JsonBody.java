package dev.ccs.httpd.routing;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ccs.core.json.Json;
import java.io.IOException;

/**
 * Parses request bodies with limits of their own, tighter than those for the CLI's output: no API
 * field is nested deeply, has a long name or a long number, and a body of a few hundred kilobytes
 * has no business holding a hundred thousand tokens (each becomes an object: a small body could
 * otherwise become a large tree). A body over a limit is a 400 (or 413 for sheer size) that says
 * which limit and where, never a 500.
 */
final class JsonBody {

  static final int MAX_DEPTH = 64;
  static final int MAX_NUMBER_CHARS = 64;
  static final int MAX_NAME_CHARS = 1024;
  static final int MAX_TOKENS = 100_000;

  private static final JsonMapper MAPPER = Json.mapper(StreamReadConstraints.builder()
      .maxNestingDepth(MAX_DEPTH)
      .maxNumberLength(MAX_NUMBER_CHARS)
      .maxNameLength(MAX_NAME_CHARS)
      .maxTokenCount(MAX_TOKENS)
      // Strings are bounded by the body limit of the route.
      .maxStringLength(Integer.MAX_VALUE)
      .build());

  static {
    // Field names come from clients (metadata keys): they are not kept in a shared symbol table.
    MAPPER.getFactory().disable(com.fasterxml.jackson.core.JsonFactory.Feature.CANONICALIZE_FIELD_NAMES);
  }

  private JsonBody() {
  }

  /**
   * @throws ApiError 400 for malformed JSON or a value over a limit, 413 for one too long
   */
  static JsonNode parse(byte[] body) {
    try (JsonParser parser = MAPPER.createParser(body)) {
      try {
        JsonNode node = MAPPER.readTree(parser);
        if (parser.nextToken() != null) {
          throw new ApiError(400, "malformed_json", "Malformed JSON body: more than one value");
        }
        return node;
      } catch (StreamConstraintsException e) {
        String where = parser.getParsingContext().pathAsPointer().toString();
        String message = e.getOriginalMessage();
        int from = message.indexOf(" (");
        if (from > 0 && message.indexOf("StreamReadConstraints", from) > 0) {
          message = message.substring(0, from) + message.substring(message.indexOf(')', from) + 1);
        }
        boolean tooLong = message.startsWith("String value length") || message.startsWith("Document length");
        throw new ApiError(tooLong ? 413 : 400, tooLong ? "payload_too_large" : "json_limit_exceeded",
            "JSON body refused: " + message.strip() + (where.isEmpty() ? "" : " (at " + where + ")"));
      } catch (JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        throw new ApiError(400, "malformed_json", "Malformed JSON body: " + e.getOriginalMessage()
            + (location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")"));
      }
    } catch (IOException e) {
      // Parsing a byte array reads nothing else.
      throw new ApiError(400, "malformed_json", "Malformed JSON body: " + e.getMessage());
    }
  }
}
