package dev.ccs.core.limit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.config.LimitsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.money.Decimals;
import dev.ccs.core.run.RunOptions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * Checks what a client sends before anything is stored or started: sizes against
 * {@link LimitsConfig}, and values that become command-line arguments of the CLI (an argument
 * cannot hold a NUL, and Linux refuses one over 128 KiB: either would fail the start of the process
 * with an error that says nothing useful to the client). Messages name the field as the HTTP API
 * does ({@code "system_prompt"}), since that is what a client sent.
 */
public final class InputLimits {

  /** Longest model id or agent name. */
  public static final int MAX_NAME_CHARS = 256;
  /** Most tool rules in {@code allowed_tools} or {@code disallowed_tools}. */
  public static final int MAX_TOOL_RULES = 100;
  /** Longest single tool rule ({@code "Bash(git log:*)"}). */
  public static final int MAX_TOOL_RULE_CHARS = 512;

  private final LimitsConfig config;

  public InputLimits(LimitsConfig config) {
    this.config = config;
  }

  public LimitsConfig config() {
    return config;
  }

  /**
   * @throws CcsException.PayloadTooLarge for a prompt over {@code limits.maxPromptBytes}
   */
  public void checkPrompt(String prompt) {
    checkPrompt("prompt", prompt);
  }

  /** As {@link #checkPrompt(String)} for a prompt in another field ({@code prompts[2]}). */
  public void checkPrompt(String field, String prompt) {
    if (prompt == null || prompt.isEmpty()) {
      throw new CcsException.InvalidRequest("\"" + field + "\" is required");
    }
    // A char is at most 3 UTF-8 bytes: only long prompts need counting.
    if ((long) prompt.length() * 3 > config.maxPromptBytes() && utf8Length(prompt) > config.maxPromptBytes()) {
      throw new CcsException.PayloadTooLarge("\"" + field + "\" is longer than " + config.maxPromptBytes()
          + " bytes (limits.maxPromptBytes)");
    }
  }

  /**
   * Checks every option that becomes a CLI argument.
   *
   * @throws CcsException.InvalidRequest naming the first field that cannot be passed to the CLI
   */
  public void checkOptions(RunOptions options) {
    name("model", options.model());
    text("system_prompt", options.systemPrompt());
    text("append_system_prompt", options.appendSystemPrompt());
    rules("allowed_tools", options.allowedTools());
    rules("disallowed_tools", options.disallowedTools());
    name("agent", options.agent());
    text("mcp_config", options.mcpConfig());
    if (options.maxBudgetUsd() != null) {
      Decimals.check("max_budget_usd", options.maxBudgetUsd());
    }
  }

  /**
   * Checks a client's {@code metadata} object before it is stored: at most
   * {@code limits.maxMetadataDepth} levels, at most {@code limits.maxMetadataBytes} as compact
   * JSON, and only numbers that can be written back as they came (an exponent such as
   * {@code 1e-999999999} would make its plain form a gigabyte).
   */
  public void checkMetadata(JsonNode metadata) {
    if (metadata == null || metadata.isNull()) {
      return;
    }
    if (!metadata.isObject()) {
      throw new CcsException.InvalidRequest("\"metadata\" must be of type object");
    }
    // Iterative, so that a deep tree built by an embedder cannot overflow the stack here.
    Deque<JsonNode> nodes = new ArrayDeque<>();
    Deque<Integer> depths = new ArrayDeque<>();
    nodes.push(metadata);
    depths.push(1);
    int count = 0;
    while (!nodes.isEmpty()) {
      JsonNode node = nodes.pop();
      int depth = depths.pop();
      // Every node takes at least one byte of JSON: more nodes than bytes cannot fit.
      if (++count > config.maxMetadataBytes()) {
        tooLargeMetadata();
      }
      if (node.isContainerNode()) {
        if (depth > config.maxMetadataDepth()) {
          throw new CcsException.InvalidRequest("\"metadata\" is nested deeper than " + config.maxMetadataDepth()
              + " levels (limits.maxMetadataDepth)");
        }
        for (Iterator<JsonNode> children = node.elements(); children.hasNext(); ) {
          nodes.push(children.next());
          depths.push(depth + 1);
        }
      } else if (node.isNumber() && !Decimals.storable(node)) {
        throw new CcsException.InvalidRequest("\"metadata\" holds a number that cannot be stored as given: "
            + "at most " + Decimals.MAX_STORED_DIGITS + " digits and an exponent within +-" + Decimals.MAX_STORED_DIGITS);
      }
    }
    if (Json.writeBytes(metadata).length > config.maxMetadataBytes()) {
      tooLargeMetadata();
    }
  }

  private void tooLargeMetadata() {
    throw new CcsException.PayloadTooLarge("\"metadata\" is larger than " + config.maxMetadataBytes()
        + " bytes as JSON (limits.maxMetadataBytes)");
  }

  private static void name(String field, String value) {
    if (value == null) {
      return;
    }
    if (value.length() > MAX_NAME_CHARS) {
      throw new CcsException.InvalidRequest("\"" + field + "\" is longer than " + MAX_NAME_CHARS + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new CcsException.InvalidRequest("\"" + field + "\" contains a control character");
      }
    }
  }

  private void text(String field, String value) {
    if (value == null) {
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0) {
        throw new CcsException.InvalidRequest("\"" + field + "\" contains a NUL character");
      }
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f) {
        throw new CcsException.InvalidRequest("\"" + field + "\" contains a control character other than tab or "
            + "line breaks");
      }
    }
    if ((long) value.length() * 3 > config.maxArgumentBytes() && utf8Length(value) > config.maxArgumentBytes()) {
      throw new CcsException.PayloadTooLarge("\"" + field + "\" is longer than " + config.maxArgumentBytes()
          + " bytes (limits.maxArgumentBytes)");
    }
  }

  private static void rules(String field, List<String> rules) {
    if (rules.size() > MAX_TOOL_RULES) {
      throw new CcsException.InvalidRequest("\"" + field + "\" has more than " + MAX_TOOL_RULES + " items");
    }
    for (int i = 0; i < rules.size(); i++) {
      String rule = rules.get(i);
      String item = field + "[" + i + "]";
      if (rule == null) {
        throw new CcsException.InvalidRequest("\"" + item + "\" must be a string");
      }
      if (rule.length() > MAX_TOOL_RULE_CHARS) {
        throw new CcsException.InvalidRequest("\"" + item + "\" is longer than " + MAX_TOOL_RULE_CHARS
            + " characters");
      }
      for (int c = 0; c < rule.length(); c++) {
        if (Character.isISOControl(rule.charAt(c))) {
          throw new CcsException.InvalidRequest("\"" + item + "\" contains a control character");
        }
      }
    }
  }

  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
