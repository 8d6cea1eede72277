package dev.ccs.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.UUID;

/**
 * A script for one invocation of the fake CLI (like MockWebServer's MockResponse): lines to print,
 * pauses, an exit code, and failure modes. Queue it with {@link FakeClaude#enqueue(FakeReply)}.
 */
public final class FakeReply {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ArrayNode steps = JSON.createArrayNode();

  public static FakeReply script() {
    return new FakeReply();
  }

  /** An init line, an assistant line and a successful result with {@code text}, cost {@code costUsd}. */
  public static FakeReply success(String text, String costUsd) {
    String sessionId = UUID.randomUUID().toString();
    return script().line(initLine(sessionId)).line(assistantLine(sessionId, text))
        .line(resultLine(sessionId, text, costUsd, false, "success"));
  }

  /** Same, for a given CLI session id. */
  public static FakeReply success(String sessionId, String text, String costUsd) {
    return script().line(initLine(sessionId)).line(assistantLine(sessionId, text))
        .line(resultLine(sessionId, text, costUsd, false, "success"));
  }

  public FakeReply line(String text) {
    steps.addObject().put("kind", "out").put("text", text);
    return this;
  }

  /** Prints text without a line feed (a line cut off by a crash). */
  public FakeReply partialLine(String text) {
    steps.addObject().put("kind", "outRaw").put("text", text);
    return this;
  }

  public FakeReply stderr(String text) {
    steps.addObject().put("kind", "err").put("text", text);
    return this;
  }

  public FakeReply sleep(long millis) {
    steps.addObject().put("kind", "sleep").put("millis", millis);
    return this;
  }

  /**
   * Waits at gate {@code name} until the test calls {@link FakeClaude#release(String)}: a run held
   * for exactly as long as the test needs, instead of a sleep that a loaded machine outlasts.
   */
  public FakeReply gate(String name) {
    steps.addObject().put("kind", "gate").put("name", name);
    return this;
  }

  /** The exit code once the script has run (0 unless set). */
  public FakeReply exitCode(int code) {
    steps.addObject().put("kind", "exit").put("code", code);
    return this;
  }

  /** Blocks for ever (until killed). */
  public FakeReply hang() {
    steps.addObject().put("kind", "hang");
    return this;
  }

  /** Dies at once with {@code code}, without any cleanup. */
  public FakeReply crash(int code) {
    steps.addObject().put("kind", "crash").put("code", code);
    return this;
  }

  /** From here on SIGTERM does nothing; only SIGKILL ends the process. */
  public FakeReply ignoreSigterm() {
    steps.addObject().put("kind", "ignoreSigterm");
    return this;
  }

  /** Starts {@code sleep seconds} that inherits stdout and stderr, so the pipes outlive the fake. */
  public FakeReply grandchild(int seconds) {
    steps.addObject().put("kind", "grandchild").put("seconds", seconds);
    return this;
  }

  /** Starts {@code sleep seconds} detached from the pipes: a background process left behind. */
  public FakeReply orphan(int seconds) {
    steps.addObject().put("kind", "orphan").put("seconds", seconds);
    return this;
  }

  /**
   * Starts {@code sleep seconds}, detached from the pipes, that ignores SIGTERM: only SIGKILL of
   * the run's tree ends it.
   */
  public FakeReply stubbornGrandchild(int seconds) {
    steps.addObject().put("kind", "stubbornGrandchild").put("seconds", seconds);
    return this;
  }

  /**
   * Writes {@code bytes} bytes as they are produced, without holding them: on stdout one assistant
   * line of that length, on stderr lines of text.
   */
  public FakeReply flood(boolean stderr, long bytes) {
    steps.addObject().put("kind", "flood").put("stderr", stderr).put("bytes", bytes);
    return this;
  }

  /** One assistant line whose text is {@code chars} characters long. */
  public FakeReply hugeLine(int chars) {
    steps.addObject().put("kind", "huge").put("chars", chars);
    return this;
  }

  /** Behaves like an unscripted invocation (session bookkeeping, cost, result). */
  public FakeReply emulate() {
    steps.addObject().put("kind", "emulate");
    return this;
  }

  byte[] toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.set("steps", steps);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- lines as the real CLI prints them

  public static String initLine(String sessionId) {
    ObjectNode init = JSON.createObjectNode();
    init.put("type", "system");
    init.put("subtype", "init");
    init.put("session_id", sessionId);
    init.put("model", "claude-fake-1");
    init.putArray("tools").add("Bash").add("Read");
    init.put("claude_code_version", FakeClaude.VERSION);
    return init.toString();
  }

  public static String assistantLine(String sessionId, String text) {
    ObjectNode line = JSON.createObjectNode();
    line.put("type", "assistant");
    ObjectNode message = line.putObject("message");
    message.put("id", "msg_fake_1");
    message.put("role", "assistant");
    message.put("model", "claude-fake-1");
    message.putArray("content").addObject().put("type", "text").put("text", text);
    line.putNull("parent_tool_use_id");
    line.put("session_id", sessionId);
    return line.toString();
  }

  public static String resultLine(String sessionId, String text, String totalCostUsd, boolean isError,
      String subtype) {
    ObjectNode result = JSON.createObjectNode();
    result.put("type", "result");
    result.put("subtype", subtype);
    result.put("is_error", isError);
    result.put("duration_ms", 20);
    result.put("duration_api_ms", 15);
    result.put("num_turns", 1);
    if (text != null) {
      result.put("result", text);
    }
    result.put("session_id", sessionId);
    result.put("total_cost_usd", new BigDecimal(totalCostUsd));
    ObjectNode usage = result.putObject("usage");
    usage.put("input_tokens", 12);
    usage.put("cache_creation_input_tokens", 3);
    usage.put("cache_read_input_tokens", 100);
    usage.put("output_tokens", 7);
    result.putObject("modelUsage").putObject("claude-fake-1").put("inputTokens", 12).put("outputTokens", 7)
        .put("costUSD", new BigDecimal(totalCostUsd));
    result.putArray("permission_denials");
    result.putNull("api_error_status");
    return result.toString();
  }
}
