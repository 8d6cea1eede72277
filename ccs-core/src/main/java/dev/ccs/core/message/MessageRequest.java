package dev.ccs.core.message;

import dev.ccs.core.run.RunOptions;
import java.util.Objects;
import java.util.UUID;

/**
 * A one-shot prompt ({@code POST /api/messages}).
 *
 * @param prompt the prompt, sent on the CLI's stdin
 * @param projectPath working directory, relative to the workspace or absolute inside an allowed
 *     root; null for the workspace
 * @param sessionId an existing session to continue, or null for a new one
 * @param options model, budget, tools, ...
 */
public record MessageRequest(String prompt, String projectPath, UUID sessionId, RunOptions options) {

  public MessageRequest {
    Objects.requireNonNull(prompt, "prompt");
    if (prompt.isEmpty()) {
      throw new IllegalArgumentException("prompt is empty");
    }
    options = options == null ? RunOptions.NONE : options;
  }

  public static MessageRequest of(String prompt) {
    return new MessageRequest(prompt, null, null, RunOptions.NONE);
  }
}
