package dev.ccs.core.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.run.RunOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * A task to submit.
 *
 * @param projectPath working directory of a new session (ignored with {@code sessionId})
 * @param sessionId an existing session to run in, or null for a new one
 * @param priority 1-10, 10 first
 * @param timeout the task's own limit, or null for the queue's default
 * @param webhookUrl where its events go (besides the default URL), or null
 * @param batchId the batch it belongs to, or null
 */
public record NewTask(String prompt, String projectPath, UUID sessionId, RunOptions options, int priority,
    Duration timeout, String webhookUrl, JsonNode metadata, UUID batchId) {

  public NewTask {
    Objects.requireNonNull(prompt, "prompt");
    if (prompt.isEmpty()) {
      throw new IllegalArgumentException("prompt is empty");
    }
    if (priority < 1 || priority > 10) {
      throw new IllegalArgumentException("priority must be 1-10, was " + priority);
    }
    options = options == null ? RunOptions.NONE : options;
  }

  public static NewTask of(String prompt, int priority) {
    return new NewTask(prompt, null, null, RunOptions.NONE, priority, null, null, null, null);
  }
}
