package dev.ccs.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.UUID;

/**
 * The fake CLI with {@code --input-format stream-json}, as the real one behaves: it stays alive,
 * answers each user message line with a turn ({@code system/init}, a partial delta with
 * {@code --include-partial-messages}, the assistant line, a result whose {@code total_cost_usd} is the
 * session's running total), answers an {@code interrupt} control request with a control response and
 * ends the running turn with an aborted result, stops at {@code --max-budget-usd} counted from its
 * start, and exits 0 when stdin closes (after the running turn). A prompt {@code wait:<millis>} makes
 * its turn take that long. Each turn is appended to {@code warm-turns.log} as {@code pid session prompt}.
 * The setting {@code warmRssMb} makes it hold that much more memory.
 */
final class FakeClaudeInteractive {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Map<String, String> flags;
  private final PrintStream out;
  private final String sessionId;
  private final BigDecimal runCost;
  private final BigDecimal budget;
  private BigDecimal spent = BigDecimal.ZERO;
  private Thread turn;
  private volatile boolean interrupted;
  @SuppressWarnings("unused")
  private byte[] ballast;

  private FakeClaudeInteractive(Path dir, Map<String, String> flags, PrintStream out, String sessionId)
      throws IOException {
    this.dir = dir;
    this.flags = flags;
    this.out = out;
    this.sessionId = sessionId;
    this.runCost = new BigDecimal(setting(dir, "cost", "0.001"));
    this.budget = flags.containsKey("--max-budget-usd") ? new BigDecimal(flags.get("--max-budget-usd")) : null;
  }

  static int serve(Path dir, Map<String, String> flags, PrintStream out) throws Exception {
    if (!"stream-json".equals(flags.get("--output-format")) || !flags.containsKey("--verbose")) {
      System.err.println("Error: --input-format=stream-json requires output-format=stream-json.");
      return 1;
    }
    String sessionId;
    Path sessions = Files.createDirectories(dir.resolve("sessions"));
    try (FileChannel channel = FileChannel.open(dir.resolve("sessions.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
      if (flags.containsKey("--resume")) {
        sessionId = flags.get("--resume");
        if (!Files.exists(sessions.resolve(sessionId))) {
          System.err.println("No conversation found with session ID: " + sessionId);
          return 1;
        }
      } else {
        sessionId = flags.getOrDefault("--session-id", UUID.randomUUID().toString());
        if (Files.exists(sessions.resolve(sessionId))) {
          System.err.println("Error: Session ID " + sessionId + " is already in use.");
          return 1;
        }
        FakeClaudeMain.writeAtomically(sessions.resolve(sessionId), "0".getBytes(StandardCharsets.US_ASCII));
      }
    }
    FakeClaudeInteractive fake = new FakeClaudeInteractive(dir, flags, out, sessionId);
    int megabytes = Integer.parseInt(setting(dir, "warmRssMb", "0"));
    if (megabytes > 0) {
      fake.ballast = new byte[megabytes * 1024 * 1024];
      java.util.Arrays.fill(fake.ballast, (byte) 1); // touched, so it is resident
    }
    return fake.loop();
  }

  private int loop() throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode message;
      try {
        message = JSON.readTree(line);
      } catch (IOException e) {
        System.err.println("Error parsing streaming input line: " + e.getMessage());
        return 1;
      }
      String type = message.path("type").asText();
      if (type.equals("control_request")) {
        control(message);
      } else if (type.equals("user")) {
        awaitTurn();
        String prompt = prompt(message.path("message").path("content"));
        interrupted = false;
        turn = new Thread(() -> runTurn(prompt));
        turn.start();
      }
    }
    awaitTurn();
    return 0;
  }

  private void control(JsonNode request) {
    String subtype = request.path("request").path("subtype").asText();
    ObjectNode response = JSON.createObjectNode();
    response.put("type", "control_response");
    ObjectNode body = response.putObject("response");
    body.put("request_id", request.path("request_id").asText());
    if (subtype.equals("interrupt")) {
      body.put("subtype", "success");
      body.putObject("response").putArray("still_queued");
      print(response);
      interrupted = true;
      Thread running = turn;
      if (running != null) {
        running.interrupt();
      }
    } else {
      body.put("subtype", "error");
      body.put("error", "Unsupported control request subtype: " + subtype);
      print(response);
    }
  }

  private void awaitTurn() throws InterruptedException {
    if (turn != null) {
      turn.join();
      turn = null;
    }
  }

  /**
   * One turn, under a lock the kernel releases when the process dies (kill -9 included): two turns of
   * a session at once, here or in a cold run ({@link FakeClaudeMain}), would corrupt a real
   * transcript, so they are an error here (exit 3).
   */
  private void runTurn(String prompt) {
    Path running = dir.resolve("running");
    try (FileChannel channel = FileChannel.open(Files.createDirectories(running).resolve(sessionId + ".warm"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
      if (lock == null || Files.exists(running.resolve(sessionId))) {
        System.err.println("Error: session " + sessionId + " is already running in another process");
        System.err.flush();
        Runtime.getRuntime().halt(3);
      }
      turn(prompt);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void turn(String prompt) {
    String model = flags.getOrDefault("--model", "claude-fake-1");
    ObjectNode init = JSON.createObjectNode();
    init.put("type", "system");
    init.put("subtype", "init");
    init.put("cwd", Path.of("").toAbsolutePath().toString());
    init.put("session_id", sessionId);
    init.put("model", model);
    init.put("permissionMode", flags.getOrDefault("--permission-mode", "default"));
    init.put("claude_code_version", FakeClaude.VERSION);
    print(init);
    if (flags.containsKey("--include-partial-messages")) {
      print(JSON.createObjectNode().put("type", "stream_event").put("session_id", sessionId)
          .set("event", JSON.createObjectNode().put("type", "content_block_delta")));
    }
    boolean aborted = false;
    if (prompt.startsWith("wait:")) {
      try {
        Thread.sleep(Long.parseLong(prompt.substring(5).replaceAll("[^0-9].*", "")));
      } catch (InterruptedException e) {
        aborted = true;
      }
    }
    aborted |= interrupted;
    String text = "Echo: " + prompt;
    BigDecimal total;
    try {
      total = addCost();
      Files.writeString(dir.resolve("warm-turns.log"), ProcessHandle.current().pid() + " " + sessionId + " " + prompt
          + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    boolean overBudget = budget != null && spent.compareTo(budget) > 0;
    if (!aborted) {
      ObjectNode assistant = JSON.createObjectNode();
      assistant.put("type", "assistant");
      ObjectNode message = assistant.putObject("message");
      message.put("id", "msg_fake_" + UUID.randomUUID().toString().substring(0, 8));
      message.put("role", "assistant");
      message.put("model", model);
      message.putArray("content").addObject().put("type", "text").put("text", text);
      assistant.put("session_id", sessionId);
      print(assistant);
    }
    ObjectNode result = JSON.createObjectNode();
    result.put("type", "result");
    boolean failed = aborted || overBudget;
    result.put("subtype", aborted ? "error_during_execution" : overBudget ? "error_max_budget_usd" : "success");
    result.put("is_error", failed);
    result.put("duration_ms", 3);
    result.put("duration_api_ms", 2);
    result.put("num_turns", 1);
    if (aborted) {
      result.put("terminal_reason", "aborted_streaming");
    } else if (overBudget) {
      result.putArray("errors").add("Reached maximum budget ($" + budget.toPlainString() + ")");
    } else {
      result.put("result", text);
    }
    result.put("session_id", sessionId);
    result.put("total_cost_usd", total);
    result.putObject("usage").put("input_tokens", 10).put("output_tokens", 5);
    result.putObject("modelUsage").putObject(model).put("inputTokens", 10).put("outputTokens", 5)
        .put("costUSD", total);
    print(result);
  }

  /** This turn's cost added to the session's running total (in the shared state, as --resume reads it). */
  private BigDecimal addCost() throws IOException {
    Path state = dir.resolve("sessions").resolve(sessionId);
    try (FileChannel channel = FileChannel.open(dir.resolve("sessions.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
      BigDecimal total = new BigDecimal(Files.readString(state).trim()).add(runCost);
      FakeClaudeMain.writeAtomically(state, total.toPlainString().getBytes(StandardCharsets.US_ASCII));
      spent = spent.add(runCost);
      return total;
    }
  }

  private static String prompt(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder text = new StringBuilder();
    content.forEach(block -> text.append(block.path("text").asText()));
    return text.toString();
  }

  private synchronized void print(JsonNode node) {
    try {
      out.print(JSON.writeValueAsString(node));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    out.print('\n');
    out.flush();
  }

  private static String setting(Path dir, String name, String defaultValue) throws IOException {
    Path file = dir.resolve("settings").resolve(name);
    return Files.exists(file) ? Files.readString(file).trim() : defaultValue;
  }
}
