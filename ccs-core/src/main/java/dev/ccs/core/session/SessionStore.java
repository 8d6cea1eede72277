package dev.ccs.core.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where sessions are kept. Implementations are thread-safe; reads never see a half-written record.
 * Every method that changes a record checks and increments its version.
 */
public interface SessionStore {

  /**
   * Stores a new session (version 1), durably.
   *
   * @throws StaleVersionException if a session with this id exists
   */
  default Session create(Session session) {
    return create(session, true);
  }

  /**
   * Stores a new session (version 1).
   *
   * @param durable false when the session's first turn follows at once and records it durably
   *     (its message log carries the session), so the store may defer its own flush
   */
  Session create(Session session, boolean durable);

  Optional<Session> get(UUID id);

  /**
   * Replaces the stored session, provided it is still at {@code session.version()}; returns it at
   * the next version.
   *
   * @param durable whether the change must be on disk before this returns; false when the caller
   *     records it durably elsewhere (a turn's message log), so a store may defer its own flush
   * @throws StaleVersionException when the session changed since it was read
   * @throws dev.ccs.core.error.CcsException.NotFound when it no longer exists
   */
  Session update(Session session, boolean durable);

  /** Removes a session, durably; false if there was none. */
  boolean delete(UUID id);

  /**
   * Removes a session for retention, without waiting for the disk: a removal that a machine crash
   * loses is made again by the next purge. False if there was none.
   */
  default boolean purge(UUID id) {
    return delete(id);
  }

  /** Sessions matching {@code filter}, most recently updated first. */
  List<Session> list(SessionFilter filter, int limit);

  /** Sessions whose id or metadata contains {@code text} (case-insensitive), most recently updated first. */
  List<Session> search(String text, int limit);

  /** Every session (for aggregates such as per-project statistics). */
  List<Session> all();

  /**
   * The sessions of each working directory added up ({@code relativePath} is the path itself here;
   * the caller makes it relative). A store that does not keep its sessions in memory adds them up
   * where they are, rather than reading them all.
   */
  default List<ProjectSummary> projectTotals() {
    java.util.Map<String, ProjectSummary> projects = new java.util.LinkedHashMap<>();
    for (Session s : all()) {
      projects.merge(s.projectPath(), new ProjectSummary(s.projectPath(), s.projectPath(), 1, s.totalCostUsd(),
          s.messagesCount(), s.updatedAt(), s.createdAt()), ProjectSummary::combine);
    }
    return List.copyOf(projects.values());
  }

  /** Sessions last updated before {@code cutoff}, oldest first. */
  List<Session> updatedBefore(Instant cutoff, int limit);

  int size();

  /**
   * What the metadata of every stored session takes in memory together: its compact JSON text, a
   * byte per character (two while any character is beyond Latin-1).
   */
  long metadataBytes();
}
