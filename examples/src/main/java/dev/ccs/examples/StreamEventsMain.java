package dev.ccs.examples;

import dev.ccs.core.exec.ClaudeExecutor;
import dev.ccs.core.exec.ClaudeRequest;
import dev.ccs.core.exec.OutputFormat;
import dev.ccs.core.exec.RunOutcome;
import dev.ccs.core.protocol.AssistantMessage;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.protocol.SystemInit;
import java.nio.file.Path;

/**
 * Drives the CLI directly with the executor and prints its events as they arrive (stream-json).
 *
 * <pre>java -cp ... dev.ccs.examples.StreamEventsMain [claude-path] "your prompt"</pre>
 */
public final class StreamEventsMain {

  private StreamEventsMain() {
  }

  public static void main(String[] args) {
    String claude = args.length > 1 ? args[0] : "claude";
    String prompt = args.length > 1 ? args[1] : "List three prime numbers.";
    try (ClaudeExecutor executor = ClaudeExecutor.builder(claude).build()) {
      ClaudeRequest request = ClaudeRequest.builder(prompt, Path.of("."))
          .outputFormat(OutputFormat.STREAM_JSON)
          .build();
      RunOutcome outcome = executor.run(request, event -> {
        if (event instanceof SystemInit init) {
          System.out.println("[init] model " + init.model() + ", CLI " + init.claudeCodeVersion());
        } else if (event instanceof AssistantMessage message && !message.text().isEmpty()) {
          System.out.println("[assistant] " + message.text());
        } else if (event instanceof ResultMessage result) {
          System.out.println("[result] $" + result.totalCostUsd() + ", " + result.numTurns() + " turn(s)");
        }
      });
      System.out.println("status: " + outcome.status());
    }
  }
}
