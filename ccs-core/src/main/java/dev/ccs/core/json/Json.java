package dev.ccs.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;

/**
 * The one {@link ObjectMapper} of ccs. Mappers are expensive to build and thread-safe once built,
 * so every component shares this one.
 */
public final class Json {

  /**
   * Output lines of the CLI can be several MB (a long answer is repeated in the result line), and
   * request bodies up to the configured body limit; Jackson's default string limit (20 MB) is raised
   * so that neither is refused by the parser rather than by our own limits.
   */
  private static final int MAX_STRING_LENGTH = 256 * 1024 * 1024;

  /**
   * Jackson's buffers, shared by every parser and generator: a small bounded pool rather than one
   * set kept per thread (hundreds of handler threads on Java 17, each keeping buffers as large as
   * the longest string it handled; and on 21+ virtual threads, which a per-thread pool does not
   * serve at all). Never call {@code JsonNode.toString()}: it goes through Jackson's own mapper
   * and its per-thread buffers; {@link #write} is the way.
   */
  private static final RecyclerPool<BufferRecycler> BUFFERS = JsonRecyclerPools.newBoundedPool(8);

  private static final JsonMapper MAPPER =
      mapper(StreamReadConstraints.builder().maxStringLength(MAX_STRING_LENGTH).build());

  private Json() {
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** A mapper configured as {@link #mapper()}, with other limits for what it reads. */
  public static JsonMapper mapper(StreamReadConstraints constraints) {
    JsonFactory factory = JsonFactory.builder().streamReadConstraints(constraints).recyclerPool(BUFFERS).build();
    return JsonMapper.builder(factory)
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        // Costs are BigDecimals: 0.000148, never 1.48E-4.
        .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
        .build();
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Parses a document; throws {@link JsonProcessingException} for text that is not JSON. */
  public static JsonNode parse(String text) throws JsonProcessingException {
    return MAPPER.readTree(text);
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] writeBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String writePretty(Object value) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
