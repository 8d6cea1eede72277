package dev.ccs.store.postgres;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the database.
 *
 * @param url a JDBC URL, {@code jdbc:postgresql://host:port/database}
 * @param user the role to connect as, or null for the URL's or the driver's default
 * @param password its password (resolved: never a {@code ${env:...}} reference), or null
 * @param poolSize connections this node holds at most
 * @param nodeId this node's name among the nodes sharing the database
 * @param connectTimeout how long a statement waits for a connection before it fails (503)
 */
public record PostgresSettings(String url, String user, String password, int poolSize, String nodeId,
    Duration connectTimeout) {

  public PostgresSettings {
    Objects.requireNonNull(url, "url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("\"store.url\" must be a jdbc:postgresql: URL");
    }
    if (poolSize < 1 || poolSize > 1000) {
      throw new IllegalArgumentException("\"store.poolSize\" must be between 1 and 1000");
    }
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
  }

  @Override
  public String toString() {
    // Never the password (a record's toString would print it).
    return "PostgresSettings[url=" + url + ", user=" + user + ", poolSize=" + poolSize + ", nodeId=" + nodeId + "]";
  }
}
