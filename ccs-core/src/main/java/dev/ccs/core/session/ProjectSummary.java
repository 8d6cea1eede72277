package dev.ccs.core.session;

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
}
