package dev.ccs.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ccs.core.auth.ApiKeyStore;
import dev.ccs.core.balance.ProviderStateStore;
import dev.ccs.core.cluster.Cluster;
import dev.ccs.core.session.MessageStore;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionStore;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.session.TurnHold;
import dev.ccs.core.stats.StatisticsStore;
import dev.ccs.core.store.Storage;
import dev.ccs.core.task.TaskStore;
import dev.ccs.core.webhook.DeliveryStore;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Every store of ccs-core in one PostgreSQL database, for one node or several sharing it. A record
 * is its JSON (the file store's codec) beside the columns its lists order and filter by; a turn is
 * one transaction (the session's versioned update and its messages' batched insert: one commit,
 * one WAL flush). The schema is brought up to date when the storage opens ({@link Migrations}).
 */
public final class PostgresStorage implements Storage {

  private final HikariDataSource pool;
  private final Db db;
  private final String nodeId;
  private final PgSessions sessions;
  private final PgMessages messages;
  private final PgTasks tasks;
  private final PgDeliveries deliveries;
  private final PgDocuments documents;
  private final StatisticsStore statistics;
  private final PgApiKeys apiKeys;
  private final ProviderStateStore providerStates;
  private final AutoCloseable held;

  private final PgCluster cluster;

  private PostgresStorage(HikariDataSource pool, PostgresSettings settings, Clock clock, AutoCloseable held) {
    this.pool = pool;
    this.held = held;
    this.db = new Db(pool);
    this.nodeId = settings.nodeId();
    this.cluster = new PgCluster(db, settings, settings.lease(), settings.globalConcurrency(), clock);
    this.sessions = new PgSessions(db);
    this.messages = new PgMessages(db);
    this.tasks = new PgTasks(db, nodeId, cluster);
    this.deliveries = new PgDeliveries(db, nodeId, settings.lease());
    this.documents = new PgDocuments(db);
    this.statistics = documents.statistics(nodeId);
    this.apiKeys = new PgApiKeys(db, nodeId, cluster.listener());
    this.providerStates = documents.providerStates(nodeId, cluster.listener());
  }

  /**
   * Connects, migrates the schema to the latest version, and returns the storage.
   *
   * @param settings where the database is and how many connections this node may hold
   * @throws dev.ccs.core.error.StoreException when the database cannot be reached or migrated
   */
  public static PostgresStorage open(PostgresSettings settings) {
    return open(settings, Clock.systemUTC(), null);
  }

  /**
   * As {@link #open(PostgresSettings)}, on {@code clock} (what retry times are compared with), and
   * holding {@code held} (the node's data directory lock) until {@link #close}.
   */
  public static PostgresStorage open(PostgresSettings settings, Clock clock, AutoCloseable held) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.url());
    if (settings.user() != null) {
      config.setUsername(settings.user());
    }
    if (settings.password() != null) {
      config.setPassword(settings.password());
    }
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(Math.min(2, settings.poolSize()));
    config.setPoolName("ccs-postgres");
    config.setConnectionTimeout(settings.connectTimeout().toMillis());
    // A node that starts while the database is away still starts (and reports it on /health).
    config.setInitializationFailTimeout(-1);
    HikariDataSource pool = new HikariDataSource(config);
    try {
      Migrations.migrate(new Db(pool), Migrations.latest());
      return new PostgresStorage(pool, settings, clock, held);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** This node's name in the database (its leases and statistics). */
  public String nodeId() {
    return nodeId;
  }

  DataSource dataSource() {
    return pool;
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public MessageStore messages() {
    return messages;
  }

  @Override
  public Session recordTurn(Session updated, List<StoredMessage> turnMessages) {
    Objects.requireNonNull(updated, "updated");
    return db.inTransaction(true, connection -> {
      Session stored = PgSessions.update(connection, updated);
      PgMessages.insert(connection, updated.id(), turnMessages);
      return stored;
    });
  }

  @Override
  public TaskStore tasks() {
    return tasks;
  }

  @Override
  public DeliveryStore deliveries() {
    return deliveries;
  }

  @Override
  public ProviderStateStore providerStates() {
    return providerStates;
  }

  @Override
  public StatisticsStore statistics() {
    return statistics;
  }

  @Override
  public ApiKeyStore apiKeys() {
    return apiKeys;
  }

  @Override
  public Optional<Cluster> cluster() {
    return Optional.of(cluster);
  }

  @Override
  public TurnHold holdTurn(UUID sessionId) throws InterruptedException {
    return cluster.holdTurn(sessionId);
  }

  @Override
  public void close() {
    cluster.close();
    pool.close();
    if (held != null) {
      try {
        held.close();
      } catch (Exception e) {
        // the lock goes with the process anyway
      }
    }
  }
}
