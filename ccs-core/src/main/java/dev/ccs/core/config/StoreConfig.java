package dev.ccs.core.config;

import java.time.Duration;
import java.util.List;

/**
 * Where the server keeps its records (config {@code store}).
 *
 * @param type {@code file} (the data directory; the default) or {@code postgres} (a PostgreSQL
 *     database that several nodes may share; needs the {@code ccs-store-postgres} module, which the
 *     runnable jar includes)
 * @param url {@code store.url}: the JDBC URL, {@code jdbc:postgresql://host:5432/ccs}
 * @param user {@code store.user}, or null
 * @param password {@code store.password} as written: a value or a {@code ${env:…}} / {@code ${file:…}}
 *     reference, resolved when the database is opened (never logged, redacted by GET /api/config)
 * @param poolSize {@code store.poolSize}: connections this node holds at most
 * @param nodeId {@code store.nodeId}: this node's name among those sharing the database; null: the
 *     host name and port ({@link #nodeIdOr})
 * @param lease {@code store.leaseMs}: how long a node's claim on a running task or a session's turn
 *     lasts without renewal (renewed every third of it): how soon other nodes take over from a node
 *     that died
 * @param globalConcurrency {@code store.globalConcurrency}: tasks running at once across all nodes,
 *     or null for no cap beyond each node's {@code taskQueue.concurrency}
 * @param advertiseUrl {@code store.advertiseUrl}: the base URL other nodes reach this one at (to
 *     forward a stream's or a task's events to the node running it); null: {@code http://host:port}
 */
public record StoreConfig(String type, String url, String user, String password, int poolSize, String nodeId,
    Duration lease, Integer globalConcurrency, String advertiseUrl) {

  public static final List<String> TYPES = List.of("file", "postgres");
  public static final StoreConfig DEFAULT = new StoreConfig("file", null, null, null, 10, null,
      Duration.ofSeconds(30), null, null);

  public StoreConfig {
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("\"store.type\" must be one of " + TYPES);
    }
    Checks.range("store.poolSize", poolSize, 1, 1000);
    Checks.range("store.leaseMs", lease.toMillis(), 1000, Duration.ofHours(1).toMillis());
    if (globalConcurrency != null) {
      Checks.range("store.globalConcurrency", globalConcurrency, 1, 100_000);
    }
    if ("postgres".equals(type)) {
      if (url == null || !url.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("\"store.url\" must be a jdbc:postgresql: URL when \"store.type\" is "
            + "postgres");
      }
    } else {
      // Every key is honoured or refused: these only mean something for a database. (The parameters,
      // not the fields: a compact constructor assigns the fields after its body.)
      java.util.Map<String, Object> databaseOnly = new java.util.LinkedHashMap<>();
      databaseOnly.put("url", url);
      databaseOnly.put("user", user);
      databaseOnly.put("password", password);
      databaseOnly.put("nodeId", nodeId);
      databaseOnly.put("globalConcurrency", globalConcurrency);
      databaseOnly.put("advertiseUrl", advertiseUrl);
      databaseOnly.forEach((key, value) -> {
        if (value != null) {
          throw new IllegalArgumentException("\"store." + key + "\" applies to \"store.type\": \"postgres\" only");
        }
      });
    }
    String problem = SecretReference.problem(password);
    if (problem != null) {
      throw new IllegalArgumentException("\"store.password\": " + problem);
    }
    if (advertiseUrl != null && !advertiseUrl.matches("https?://[^/\\s]+/?")) {
      throw new IllegalArgumentException("\"store.advertiseUrl\" must be http(s)://host:port");
    }
  }

  public boolean shared() {
    return "postgres".equals(type);
  }

  /** This node's id: {@code store.nodeId}, else the host's name and the server's port. */
  public String nodeIdOr(int port) {
    if (nodeId != null) {
      return nodeId;
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "localhost";
    }
    return host + ":" + port;
  }

  @Override
  public String toString() {
    return "StoreConfig[type=" + type + ", url=" + url + ", user=" + user + ", password="
        + (password == null ? null : "(hidden)") + ", poolSize=" + poolSize + ", nodeId=" + nodeId + ", lease=" + lease
        + ", globalConcurrency=" + globalConcurrency + ", advertiseUrl=" + advertiseUrl + "]";
  }
}
