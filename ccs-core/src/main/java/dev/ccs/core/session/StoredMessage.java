package dev.ccs.core.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One message of a session's history, in the Node server's shape.
 *
 * @param id {@code msg_} and 16 hex digits
 * @param role {@code user} or {@code assistant}
 * @param content the prompt, or the answer (for a failed run, the error)
 * @param metadata what else is known: prompt options, cost, usage, model, stream id, ...
 */
public record StoredMessage(String id, UUID sessionId, String role, String content, Instant createdAt,
    JsonNode metadata) {

  public StoredMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(role, "role");
    content = content == null ? "" : content;
    Objects.requireNonNull(createdAt, "createdAt");
    metadata = metadata == null ? JsonNodeFactory.instance.objectNode() : metadata;
  }

  public static String newId() {
    return "msg_" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }
}
