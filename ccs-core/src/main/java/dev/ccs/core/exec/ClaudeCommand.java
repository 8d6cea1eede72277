package dev.ccs.core.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * The argument list of a run. Single-value flags use the {@code --flag=value} form, so a value that
 * starts with {@code -} can never be read as a flag; list flags get one comma-joined value; the
 * prompt is not on the command line at all but on stdin (see {@link ClaudeRequest#prompt()}), so
 * the CLI's variadic flags ({@code --allowedTools}, {@code --mcp-config}, ...) cannot swallow it.
 */
public final class ClaudeCommand {

  private ClaudeCommand() {
  }

  /** {@code executable} followed by the flags of {@code request}. */
  public static List<String> argv(String executable, ClaudeRequest request) {
    List<String> argv = new ArrayList<>();
    argv.add(executable);
    argv.add("-p");
    argv.add("--output-format=" + request.outputFormat().flagValue());
    if (request.outputFormat() == OutputFormat.STREAM_JSON) {
      // The CLI refuses stream-json in print mode without --verbose.
      argv.add("--verbose");
      if (request.includePartialMessages()) {
        argv.add("--include-partial-messages");
      }
    }
    if (request.sessionId() != null) {
      argv.add((request.resume() ? "--resume=" : "--session-id=") + request.sessionId());
    }
    add(argv, "--model=", request.model());
    add(argv, "--system-prompt=", request.systemPrompt());
    add(argv, "--append-system-prompt=", request.appendSystemPrompt());
    if (request.maxTurns() != null) {
      argv.add("--max-turns=" + request.maxTurns());
    }
    if (request.maxBudgetUsd() != null) {
      argv.add("--max-budget-usd=" + request.maxBudgetUsd().toPlainString());
    }
    if (!request.allowedTools().isEmpty()) {
      argv.add("--allowedTools=" + String.join(",", request.allowedTools()));
    }
    if (!request.disallowedTools().isEmpty()) {
      argv.add("--disallowedTools=" + String.join(",", request.disallowedTools()));
    }
    for (String mcpConfig : request.mcpConfigs()) {
      argv.add("--mcp-config=" + mcpConfig);
    }
    if (request.strictMcpConfig()) {
      argv.add("--strict-mcp-config");
    }
    if (request.permissionMode() != null) {
      argv.add("--permission-mode=" + request.permissionMode().wireName());
    }
    add(argv, "--agent=", request.agent());
    if (request.dangerouslySkipPermissions()) {
      argv.add("--dangerously-skip-permissions");
    }
    if (request.settingsFile() != null) {
      argv.add("--settings=" + request.settingsFile());
    }
    return argv;
  }

  /**
   * The command line of an interactive CLI: it reads user messages as stream-json lines from stdin
   * and answers each with stream-json output (partial messages included; a caller that did not ask
   * for them drops them), until its stdin is closed. Every flag of {@code request} but its output
   * format is kept, so a process started for one request serves only requests with the same flags.
   */
  public static List<String> interactiveArgv(String executable, ClaudeRequest request) {
    List<String> argv = argv(executable, request.toBuilder().outputFormat(OutputFormat.STREAM_JSON)
        .includePartialMessages(true).build());
    argv.add(2, "--input-format=stream-json");
    return argv;
  }

  private static void add(List<String> argv, String flag, String value) {
    if (value != null && !value.isEmpty()) {
      argv.add(flag + value);
    }
  }
}
