package dev.ccs.store.postgres;

import dev.ccs.core.error.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The little JDBC this module needs: a statement with its parameters, rows mapped to records, and
 * transactions. Every {@link SQLException} becomes a {@link StoreException} (answered 503 with
 * {@code Retry-After}), its message the database's reason without the statement's values.
 */
final class Db {

  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final DataSource dataSource;

  Db(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  DataSource dataSource() {
    return dataSource;
  }

  /** Runs {@code work} on one connection in autocommit mode. */
  <T> T withConnection(Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /**
   * Runs {@code work} in one transaction, committed when it returns (the pool resets the
   * connection's autocommit when it takes it back).
   *
   * @param durable false lets the commit return before its WAL record is flushed
   *     ({@code synchronous_commit = off}): a change a machine crash may lose, never one a process
   *     crash loses, and never a torn one
   */
  <T> T inTransaction(boolean durable, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        if (!durable) {
          try (PreparedStatement off = connection.prepareStatement("SET LOCAL synchronous_commit = off")) {
            off.execute();
          }
        }
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        try {
          connection.rollback();
        } catch (SQLException broken) {
          // The connection is gone (the pool drops it): the transaction ended with it. The first failure says why.
          e.addSuppressed(broken);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
    return withConnection(connection -> query(connection, sql, binder, mapper));
  }

  <T> Optional<T> queryOne(String sql, Binder binder, RowMapper<T> mapper) {
    List<T> rows = query(sql, binder, mapper);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  int update(String sql, Binder binder) {
    return withConnection(connection -> update(connection, sql, binder));
  }

  static <T> List<T> query(Connection connection, String sql, Binder binder, RowMapper<T> mapper)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      binder.bind(statement);
      try (ResultSet rows = statement.executeQuery()) {
        List<T> found = new ArrayList<>();
        while (rows.next()) {
          found.add(mapper.map(rows));
        }
        return found;
      }
    }
  }

  static int update(Connection connection, String sql, Binder binder) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      binder.bind(statement);
      return statement.executeUpdate();
    }
  }

  static final Binder NONE = statement -> { };

  static StoreException failure(SQLException e) {
    // The driver's message names the server's reason (and SQLState), never the bound values.
    return new StoreException("the database refused or could not be reached: " + e.getMessage()
        + " (SQLState " + e.getSQLState() + ")", e);
  }
}
