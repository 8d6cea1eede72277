package dev.ccs.core.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ccs.core.money.Usd;
import dev.ccs.core.run.RunOptions;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A queued prompt. Immutable; every change makes a new value with the next {@code version}.
 *
 * @param sequence submission order, for first-in-first-out within a priority
 * @param priority 1-10, 10 runs first
 * @param projectPath the resolved working directory (that of its session)
 * @param sessionId the session the task runs in
 * @param options model, budget, tools, ... (never credentials: those are added when it runs)
 * @param timeout its own limit, or null for {@code taskQueue.defaultTimeout}
 * @param webhookUrl where its events go besides the default URL, or null
 * @param metadata the client's free-form object
 * @param attempts runs started so far
 * @param interruptions times a server stopped while it ran
 * @param notBefore a retry waits until then; null to run as soon as a slot is free
 * @param deadLetter whether it failed for good after its retries
 * @param idempotencyKey the client's {@code Idempotency-Key}, or null
 * @param requestHash hash of the request that created it, to compare a repeated key
 */
public record Task(
    UUID id,
    long sequence,
    Instant createdAt,
    Instant updatedAt,
    TaskStatus status,
    String prompt,
    String projectPath,
    int priority,
    UUID sessionId,
    RunOptions options,
    Duration timeout,
    String webhookUrl,
    JsonNode metadata,
    String result,
    String error,
    String errorCode,
    Instant startedAt,
    Instant completedAt,
    Long durationMs,
    BigDecimal costUsd,
    JsonNode usage,
    int attempts,
    int interruptions,
    Instant notBefore,
    boolean deadLetter,
    String idempotencyKey,
    String requestHash,
    UUID batchId,
    UUID replayOf,
    long version) {

  public Task {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(projectPath, "projectPath");
    NewTask.checkPriority(priority);
    Objects.requireNonNull(sessionId, "sessionId");
    options = options == null ? RunOptions.NONE : options;
    metadata = metadata == null || metadata.isNull() ? JsonNodeFactory.instance.objectNode() : metadata;
    costUsd = Usd.normalize(costUsd == null ? BigDecimal.ZERO : costUsd);
  }

  /**
   * A task as submitted, waiting to run: nothing run, nothing spent, not yet stored (version 0).
   *
   * @param session the session it runs in, and its resolved working directory
   * @param key the client's {@code Idempotency-Key} and the hash of its request, or nulls
   * @param replayOf the failed task this one runs again, or null
   */
  public static Task pending(NewTask request, UUID id, long sequence, Instant now, SessionRef session,
      IdempotencyRef key, UUID replayOf) {
    return new Task(id, sequence, now, now, TaskStatus.PENDING, request.prompt(), session.projectPath(),
        request.priority(), session.id(), request.options(), request.timeout(), request.webhookUrl(),
        request.metadata(), null, null, null, null, null, null, BigDecimal.ZERO, null, 0, 0, null, false,
        key.key(), key.requestHash(), request.batchId(), replayOf, 0);
  }

  /** The session a task runs in: its id and resolved working directory. */
  public record SessionRef(UUID id, String projectPath) {
  }

  /** A submission's {@code Idempotency-Key} (or null) and the hash of its request. */
  public record IdempotencyRef(String key, String requestHash) {
  }

  /** A copy with another status and the changes of {@code edit}; the version is the store's to set. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Mutable copy of a task, for the few fields that change. */
  public static final class Builder {
    private final Task t;
    private long sequence;
    private Instant updatedAt;
    private TaskStatus status;
    private int priority;
    private String result;
    private String error;
    private String errorCode;
    private Instant startedAt;
    private Instant completedAt;
    private Long durationMs;
    private BigDecimal costUsd;
    private JsonNode usage;
    private int attempts;
    private int interruptions;
    private Instant notBefore;
    private boolean deadLetter;
    private long version;

    private Builder(Task t) {
      this.t = t;
      sequence = t.sequence;
      updatedAt = t.updatedAt;
      status = t.status;
      priority = t.priority;
      result = t.result;
      error = t.error;
      errorCode = t.errorCode;
      startedAt = t.startedAt;
      completedAt = t.completedAt;
      durationMs = t.durationMs;
      costUsd = t.costUsd;
      usage = t.usage;
      attempts = t.attempts;
      interruptions = t.interruptions;
      notBefore = t.notBefore;
      deadLetter = t.deadLetter;
      version = t.version;
    }

    /** The submission's number; a store that numbers submissions itself (across nodes) sets it. */
    public Builder sequence(long value) { sequence = value; return this; }
    public Builder updatedAt(Instant value) { updatedAt = value; return this; }
    public Builder status(TaskStatus value) { status = value; return this; }
    public Builder priority(int value) { priority = value; return this; }
    public Builder result(String value) { result = value; return this; }
    public Builder error(String value) { error = value; return this; }
    public Builder errorCode(String value) { errorCode = value; return this; }
    public Builder startedAt(Instant value) { startedAt = value; return this; }
    public Builder completedAt(Instant value) { completedAt = value; return this; }
    public Builder durationMs(Long value) { durationMs = value; return this; }
    public Builder costUsd(BigDecimal value) { costUsd = value; return this; }
    public Builder usage(JsonNode value) { usage = value; return this; }
    public Builder attempts(int value) { attempts = value; return this; }
    public Builder interruptions(int value) { interruptions = value; return this; }
    public Builder notBefore(Instant value) { notBefore = value; return this; }
    public Builder deadLetter(boolean value) { deadLetter = value; return this; }
    public Builder version(long value) { version = value; return this; }

    public Task build() {
      return new Task(t.id, sequence, t.createdAt, updatedAt, status, t.prompt, t.projectPath, priority, t.sessionId,
          t.options, t.timeout, t.webhookUrl, t.metadata, result, error, errorCode, startedAt, completedAt, durationMs,
          costUsd, usage, attempts, interruptions, notBefore, deadLetter, t.idempotencyKey, t.requestHash, t.batchId,
          t.replayOf, version);
    }
  }
}
