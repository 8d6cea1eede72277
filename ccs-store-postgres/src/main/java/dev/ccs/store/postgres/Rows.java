package dev.ccs.store.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.error.StoreException;
import dev.ccs.core.json.Json;
import java.time.Instant;

/** Conversions between records and columns shared by the stores of this module. */
final class Rows {

  private Rows() {
  }

  /** An instant as epoch nanoseconds: what the tables order and page by (see V1__stores.sql). */
  static long nanos(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
  }

  static Long nanosOrNull(Instant at) {
    return at == null ? null : nanos(at);
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /** A stored body; one that does not parse is a damaged row, reported as a store failure. */
  static JsonNode parse(String body) {
    try {
      return Json.parse(body);
    } catch (JsonProcessingException e) {
      throw new StoreException("a stored record is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
