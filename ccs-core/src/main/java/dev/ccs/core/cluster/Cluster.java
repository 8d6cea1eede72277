package dev.ccs.core.cluster;

import java.util.Optional;
import java.util.UUID;

/**
 * The nodes sharing a storage, as one node sees them: where each live one is reached, and which
 * runs what, so that a request for a stream or a task's events that another node serves is
 * forwarded to it. Only storages several nodes share have one ({@code Storage.cluster()}).
 */
public interface Cluster {

  /** This node's id. */
  String nodeId();

  /** Whether this node reached the database lately; one that does not claims no tasks. */
  boolean reachable();

  /** Tells the other nodes where this one is reached (its HTTP base URL), once it listens. */
  void advertise(String baseUrl);

  /** The base URL of a live node (its heartbeat is fresh), if it advertised one. */
  Optional<String> urlOf(String nodeId);

  /** The live node whose stream ids end with {@code tag} ({@link #streamTag}), if any. */
  Optional<String> nodeOfStreamTag(String tag);

  /** The node running (or about to run) a task: the holder of its lease, while the task waits to start or runs. */
  Optional<String> taskOwner(UUID taskId);

  /** The node running a turn of a session now (holding it), if any. */
  Optional<String> sessionTurnOwner(UUID sessionId);

  /** The short tag this node's stream ids carry, so that any node finds the one that has the stream. */
  static String streamTag(String nodeId) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(nodeId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
