package dev.ccs.core.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.run.RunOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * A task to submit. Build it by name: {@code NewTask.builder("Migrate the build").priority(8)
 * .timeout(Duration.ofMinutes(20)).build()}.
 *
 * @param projectPath working directory of a new session (not used with {@code sessionId})
 * @param sessionId an existing session to run in, or null for a new one
 * @param priority {@value #MIN_PRIORITY}-{@value #MAX_PRIORITY}, the highest first;
 *     {@value #DEFAULT_PRIORITY} unless given
 * @param timeout the task's own limit, or null for the queue's default
 * @param webhookUrl where its events go (besides the default URL), or null
 * @param batchId the batch it belongs to, or null
 */
public record NewTask(String prompt, String projectPath, UUID sessionId, RunOptions options, int priority,
    Duration timeout, String webhookUrl, JsonNode metadata, UUID batchId) {

  public static final int MIN_PRIORITY = 1;
  public static final int MAX_PRIORITY = 10;
  public static final int DEFAULT_PRIORITY = 5;

  public NewTask {
    Objects.requireNonNull(prompt, "prompt");
    if (prompt.isEmpty()) {
      throw new IllegalArgumentException("prompt is empty");
    }
    checkPriority(priority);
    options = options == null ? RunOptions.NONE : options;
  }

  /** The one range check of a task's priority (submission and later changes). */
  public static int checkPriority(int priority) {
    if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      throw new IllegalArgumentException("priority must be " + MIN_PRIORITY + "-" + MAX_PRIORITY + ", was " + priority);
    }
    return priority;
  }

  public static NewTask of(String prompt, int priority) {
    return builder(prompt).priority(priority).build();
  }

  public static Builder builder(String prompt) {
    return new Builder(prompt);
  }

  public Builder toBuilder() {
    return new Builder(prompt).projectPath(projectPath).sessionId(sessionId).options(options).priority(priority)
        .timeout(timeout).webhookUrl(webhookUrl).metadata(metadata).batchId(batchId);
  }

  /** Builds a {@link NewTask} by name; everything but the prompt is optional. */
  public static final class Builder {
    private final String prompt;
    private String projectPath;
    private UUID sessionId;
    private RunOptions options = RunOptions.NONE;
    private int priority = DEFAULT_PRIORITY;
    private Duration timeout;
    private String webhookUrl;
    private JsonNode metadata;
    private UUID batchId;

    private Builder(String prompt) {
      this.prompt = prompt;
    }

    public Builder projectPath(String value) { projectPath = value; return this; }
    public Builder sessionId(UUID value) { sessionId = value; return this; }
    public Builder options(RunOptions value) { options = value; return this; }
    public Builder priority(int value) { priority = value; return this; }
    /** The priority, or the default when null (a field a client left out). */
    public Builder priority(Integer value) { priority = value == null ? DEFAULT_PRIORITY : value; return this; }
    public Builder timeout(Duration value) { timeout = value; return this; }
    public Builder webhookUrl(String value) { webhookUrl = value; return this; }
    public Builder metadata(JsonNode value) { metadata = value; return this; }
    public Builder batchId(UUID value) { batchId = value; return this; }

    public NewTask build() {
      return new NewTask(prompt, projectPath, sessionId, options, priority, timeout, webhookUrl, metadata, batchId);
    }
  }
}
