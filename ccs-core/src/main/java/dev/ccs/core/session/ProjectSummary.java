package dev.ccs.core.session;

import dev.ccs.core.money.Usd;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The sessions of one working directory, added up.
 *
 * @param projectPath the directory
 * @param relativePath the directory relative to the workspace, or the absolute path outside it
 * @param messagesCount successful turns of all its sessions
 * @param lastActivity the most recent session update
 * @param createdAt the oldest session's creation
 */
public record ProjectSummary(String projectPath, String relativePath, int sessionCount, BigDecimal totalCostUsd,
    long messagesCount, Instant lastActivity, Instant createdAt) {

  /** Two parts of one project added up. */
  static ProjectSummary combine(ProjectSummary a, ProjectSummary b) {
    return new ProjectSummary(a.projectPath(), a.relativePath(), a.sessionCount() + b.sessionCount(),
        Usd.add(a.totalCostUsd(), b.totalCostUsd()), a.messagesCount() + b.messagesCount(),
        a.lastActivity().isAfter(b.lastActivity()) ? a.lastActivity() : b.lastActivity(),
        a.createdAt().isBefore(b.createdAt()) ? a.createdAt() : b.createdAt());
  }
}
