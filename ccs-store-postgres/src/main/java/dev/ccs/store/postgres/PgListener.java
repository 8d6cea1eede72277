package dev.ccs.store.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code LISTEN} on a connection of its own (outside the pool, which would take it back): wakes idle
 * nodes when a task is submitted or requeued anywhere ({@code ccs_tasks}, payload {@code a}), tells
 * them which task another node ended ({@code e:<task>:<node>}) and which session's turn is free
 * ({@code ccs_sessions}). A lost connection is opened again; the queue's slow poll covers the gap.
 */
final class PgListener {

  private static final Logger LOG = LoggerFactory.getLogger(PgListener.class);

  private final PostgresSettings settings;
  private final Runnable sessionFreed;
  private volatile Runnable arrived = () -> { };
  private volatile BiConsumer<UUID, String> ended = (id, node) -> { };
  private final java.util.Map<String, Runnable> changes = new java.util.concurrent.ConcurrentHashMap<>();
  private final String nodeId;
  private volatile boolean closed;
  private volatile Connection connection;
  private final Thread thread;

  PgListener(PostgresSettings settings, Runnable sessionFreed) {
    this.settings = settings;
    this.nodeId = settings.nodeId();
    this.sessionFreed = sessionFreed;
    this.thread = new Thread(this::loop, "ccs-pg-listen");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Calls {@code changed} when another node changes {@code topic} ({@link #notifyChange}). */
  void onChange(String topic, Runnable changed) {
    changes.put(topic, changed);
  }

  /** Tells the other nodes that {@code topic} changed (delivered when the transaction commits). */
  static void notifyChange(java.sql.Connection connection, String topic, String nodeId) throws SQLException {
    Db.query(connection, "SELECT pg_notify('ccs_changes', ?)", s -> s.setString(1, topic + ":" + nodeId), row -> null);
  }

  void onTasks(Runnable arrivedTask, BiConsumer<UUID, String> endedTask) {
    this.arrived = arrivedTask;
    this.ended = endedTask;
  }

  private void loop() {
    long backoff = 100;
    while (!closed) {
      try (Connection c = open()) {
        connection = c;
        try (Statement statement = c.createStatement()) {
          statement.execute("LISTEN ccs_tasks");
          statement.execute("LISTEN ccs_sessions");
          statement.execute("LISTEN ccs_changes");
        }
        // Anything submitted while this node was not listening is claimed by the next dispatch.
        arrived.run();
        backoff = 100;
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] notifications = pg.getNotifications(1000);
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              deliver(notification);
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn("listening for other nodes' tasks failed ({}); again in {} ms", e.getMessage(), backoff);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  private void deliver(PGNotification notification) {
    try {
      if ("ccs_sessions".equals(notification.getName())) {
        sessionFreed.run();
        return;
      }
      if ("ccs_changes".equals(notification.getName())) {
        String[] parts = notification.getParameter().split(":", 2);
        Runnable changed = changes.get(parts[0]);
        if (changed != null && !(parts.length > 1 && parts[1].equals(nodeId))) {
          changed.run();
        }
        return;
      }
      String payload = notification.getParameter();
      if (payload.startsWith("e:")) {
        String[] parts = payload.split(":", 3);
        ended.accept(UUID.fromString(parts[1]), parts.length > 2 ? parts[2] : "");
      } else {
        arrived.run();
      }
    } catch (RuntimeException e) {
      LOG.warn("a notification from the database could not be handled", e);
    }
  }

  private Connection open() throws SQLException {
    Properties properties = new Properties();
    if (settings.user() != null) {
      properties.setProperty("user", settings.user());
    }
    if (settings.password() != null) {
      properties.setProperty("password", settings.password());
    }
    properties.setProperty("connectTimeout", Long.toString(Math.max(1, settings.connectTimeout().toSeconds())));
    properties.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(settings.url(), properties);
  }

  void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // closing
      }
    }
    thread.interrupt();
  }
}
