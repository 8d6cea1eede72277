package dev.ccs.store.postgres;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the database, and how this node takes part among those sharing it. Built by name:
 * {@code PostgresSettings.builder(url, nodeId).poolSize(4).build()}.
 *
 * @param url a JDBC URL, {@code jdbc:postgresql://host:port/database}
 * @param user the role to connect as, or null for the URL's or the driver's default
 * @param password its password (resolved: never a {@code ${env:...}} reference), or null
 * @param poolSize connections this node holds at most (one more listens for notifications)
 * @param nodeId this node's name among the nodes sharing the database
 * @param connectTimeout how long a statement waits for a connection before it fails (503)
 * @param lease how long a claim on a task or a session's turn lasts unrenewed
 * @param globalConcurrency tasks running at once across all nodes, or null for no cap
 */
public record PostgresSettings(String url, String user, String password, int poolSize, String nodeId,
    Duration connectTimeout, Duration lease, Integer globalConcurrency) {

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
    Objects.requireNonNull(lease, "lease");
  }

  public static Builder builder(String url, String nodeId) {
    return new Builder(url, nodeId);
  }

  @Override
  public String toString() {
    // Never the password (a record's toString would print it).
    return "PostgresSettings[url=" + url + ", user=" + user + ", poolSize=" + poolSize + ", nodeId=" + nodeId
        + ", lease=" + lease + ", globalConcurrency=" + globalConcurrency + "]";
  }

  /** Defaults: no user or password beyond the URL's, 10 connections, 5 s to connect, 30 s leases, no global cap. */
  public static final class Builder {
    private final String url;
    private final String nodeId;
    private String user;
    private String password;
    private int poolSize = 10;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration lease = Duration.ofSeconds(30);
    private Integer globalConcurrency;

    private Builder(String url, String nodeId) {
      this.url = url;
      this.nodeId = nodeId;
    }

    public Builder user(String value) { user = value; return this; }
    public Builder password(String value) { password = value; return this; }
    public Builder poolSize(int value) { poolSize = value; return this; }
    public Builder connectTimeout(Duration value) { connectTimeout = value; return this; }
    public Builder lease(Duration value) { lease = value; return this; }
    public Builder globalConcurrency(Integer value) { globalConcurrency = value; return this; }

    public PostgresSettings build() {
      return new PostgresSettings(url, user, password, poolSize, nodeId, connectTimeout, lease, globalConcurrency);
    }
  }
}
