package dev.ccs.core.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.json.Json;
import dev.ccs.core.money.Usd;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A conversation with the CLI in one working directory. The id is also the CLI's session id: the
 * first turn runs with {@code --session-id}, later turns with {@code --resume}.
 *
 * @param id the session id, a UUID (so no id can reach a file path)
 * @param projectPath the resolved working directory; every turn runs there
 * @param model the model of its turns unless a turn names another; may be null
 * @param totalCostUsd what all its runs cost, failed ones included
 * @param messagesCount successful turns (the Node server's meaning)
 * @param metadataJson the client's free-form object as compact JSON text ({@link #metadata()} parses
 *     it): a stored session costs the bytes of its metadata, not a tree of nodes many times that
 * @param maxBudgetUsd this session's spending cap, or null for the config's
 * @param cliSessionStarted whether the CLI has created its session (so the next turn resumes)
 * @param lastCliTotalUsd the CLI's running cost total after the last run, to turn the next total
 *     into a per-run cost
 * @param cliSessionIds the CLI session ids the session has had, oldest first
 * @param lastModelUsageJson the CLI's {@code modelUsage} after the last run, as compact JSON: like
 *     {@code lastCliTotalUsd} a running total of the CLI session, to split the next run by model
 * @param providerId the provider the session is bound to (its turns run there), or null; stored
 *     with the session so that the binding survives a restart
 * @param version incremented by every stored change; an update must name the version it read
 */
public record Session(
    UUID id,
    Instant createdAt,
    Instant updatedAt,
    String model,
    String projectPath,
    BigDecimal totalCostUsd,
    int messagesCount,
    SessionStatus status,
    String metadataJson,
    BigDecimal maxBudgetUsd,
    boolean cliSessionStarted,
    BigDecimal lastCliTotalUsd,
    List<String> cliSessionIds,
    String lastModelUsageJson,
    String providerId,
    long version) {

  public Session {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(projectPath, "projectPath");
    totalCostUsd = Usd.normalize(totalCostUsd == null ? BigDecimal.ZERO : totalCostUsd);
    Objects.requireNonNull(status, "status");
    metadataJson = metadataJson == null || metadataJson.equals("null") ? "{}" : metadataJson;
    lastCliTotalUsd = Usd.normalize(lastCliTotalUsd == null ? BigDecimal.ZERO : lastCliTotalUsd);
    cliSessionIds = List.copyOf(cliSessionIds == null ? List.of() : cliSessionIds);
    lastModelUsageJson = lastModelUsageJson == null || lastModelUsageJson.equals("null") ? "{}" : lastModelUsageJson;
  }

  /** A new, active session. */
  public static Session create(UUID id, Instant now, String projectPath, String model, JsonNode metadata,
      BigDecimal maxBudgetUsd) {
    return new Session(id, now, now, model, projectPath, BigDecimal.ZERO, 0, SessionStatus.ACTIVE, json(metadata),
        maxBudgetUsd, false, BigDecimal.ZERO, List.of(), "{}", null, 0);
  }

  /** The client's metadata object: a new tree on each call, which the caller may change freely. */
  public JsonNode metadata() {
    try {
      return Json.parse(metadataJson);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored session metadata is not JSON: " + e.getMessage(), e);
    }
  }

  /** The CLI's {@code modelUsage} after the last run: a new tree on each call. */
  public JsonNode lastModelUsage() {
    try {
      return Json.parse(lastModelUsageJson);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored model usage is not JSON: " + e.getMessage(), e);
    }
  }

  /** The compact JSON text of a metadata object ({@code {}} for none). */
  public static String json(JsonNode metadata) {
    return metadata == null || metadata.isNull() || metadata.isMissingNode() ? "{}" : Json.write(metadata);
  }

  public Session withStatus(SessionStatus newStatus, Instant now) {
    return new Session(id, createdAt, now, model, projectPath, totalCostUsd, messagesCount, newStatus, metadataJson,
        maxBudgetUsd, cliSessionStarted, lastCliTotalUsd, cliSessionIds, lastModelUsageJson, providerId, version);
  }

  public Session withVersion(long newVersion) {
    return new Session(id, createdAt, updatedAt, model, projectPath, totalCostUsd, messagesCount, status, metadataJson,
        maxBudgetUsd, cliSessionStarted, lastCliTotalUsd, cliSessionIds, lastModelUsageJson, providerId, newVersion);
  }

  /** This session's spending cap: its own, else {@code defaultCap} (the config's); null for none. */
  public BigDecimal budgetCap(BigDecimal defaultCap) {
    return maxBudgetUsd != null ? maxBudgetUsd : defaultCap;
  }

  /** What is left of {@link #budgetCap} (negative when overspent), or null when there is no cap. */
  public BigDecimal budgetLeft(BigDecimal defaultCap) {
    BigDecimal cap = budgetCap(defaultCap);
    return cap == null ? null : cap.subtract(totalCostUsd);
  }

  /**
   * The session after one run: its cost added, the CLI's state and totals recorded.
   *
   * @param cliModelUsageJson the run's {@code modelUsage} (compact JSON), or null to keep the last one
   * @param boundProviderId the provider the session is bound to after the run, or null for none
   */
  public Session afterRun(Instant now, BigDecimal runCostUsd, boolean succeeded, boolean cliStarted,
      BigDecimal cliTotalUsd, String cliSessionId, String cliModelUsageJson, String boundProviderId) {
    List<String> ids = cliSessionIds;
    if (cliSessionId != null && !ids.contains(cliSessionId)) {
      ids = new java.util.ArrayList<>(ids);
      ids.add(cliSessionId);
    }
    return new Session(id, createdAt, now, model, projectPath, Usd.add(totalCostUsd, runCostUsd),
        messagesCount + (succeeded ? 1 : 0), status, metadataJson, maxBudgetUsd, cliSessionStarted || cliStarted,
        cliTotalUsd != null ? cliTotalUsd : lastCliTotalUsd, ids,
        cliModelUsageJson != null ? cliModelUsageJson : lastModelUsageJson, boundProviderId, version);
  }
}
