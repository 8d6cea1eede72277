package dev.ccs.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A fake {@code claude} CLI, run as a real child process (see {@link FakeClaude}). It records each
 * invocation (arguments, working directory, environment, stdin) in the directory named by
 * {@code FAKE_CLAUDE_DIR}, then plays the next queued reply script, or, when none is queued,
 * behaves like the real CLI in miniature: {@code --session-id}/{@code --resume} bookkeeping, a
 * running cost total per session, {@code json} and {@code stream-json} output, and
 * {@code --max-budget-usd}.
 */
public final class FakeClaudeMain {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
      StandardCharsets.UTF_8);

  private FakeClaudeMain() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-v"))) {
      OUT.println(FakeClaude.VERSION + " (Claude Code)");
      OUT.flush();
      return;
    }
    Path dir = Path.of(System.getenv("FAKE_CLAUDE_DIR"));
    if (java.util.Arrays.asList(args).contains("--input-format=stream-json")) {
      // A warm process: its prompts come one by one as stdin lines, for as long as stdin is open.
      record(dir, args, "");
      System.exit(FakeClaudeInteractive.serve(dir, flags(args), OUT));
    }
    byte[] stdin = System.in.readAllBytes();
    int seq = record(dir, args, new String(stdin, StandardCharsets.UTF_8));
    // When it ends (normally or by SIGTERM), so tests can check that runs never overlapped.
    Path end = dir.resolve("invocations").resolve(String.format("%06d.end", seq));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Files.writeString(end, Long.toString(System.currentTimeMillis()));
      } catch (IOException e) {
        // best effort
      }
    }));
    JsonNode script = claimScript(dir);
    if (script == null) {
      System.exit(emulate(dir, args, new String(stdin, StandardCharsets.UTF_8)));
    }
    System.exit(play(dir, seq, script, args, new String(stdin, StandardCharsets.UTF_8)));
  }

  private static int record(Path dir, String[] args, String stdin) throws IOException {
    Path invocations = dir.resolve("invocations");
    Files.createDirectories(invocations);
    int seq;
    try (FileChannel channel = FileChannel.open(dir.resolve("seq.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
      ByteBuffer buffer = ByteBuffer.allocate(16);
      channel.read(buffer, 0);
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
      seq = text.isEmpty() ? 1 : Integer.parseInt(text) + 1;
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(Integer.toString(seq).getBytes(StandardCharsets.US_ASCII)), 0);
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("seq", seq);
    node.put("pid", ProcessHandle.current().pid());
    ArrayNode argList = node.putArray("args");
    for (String arg : args) {
      argList.add(arg);
    }
    node.put("cwd", Path.of("").toAbsolutePath().toString());
    ObjectNode env = node.putObject("env");
    new TreeMap<>(System.getenv()).forEach(env::put);
    node.put("stdin", stdin);
    node.put("startedAtMillis", System.currentTimeMillis());
    writeAtomically(invocations.resolve(String.format("%06d.json", seq)), JSON.writeValueAsBytes(node));
    return seq;
  }

  private static JsonNode claimScript(Path dir) throws IOException {
    Path queue = dir.resolve("queue");
    Path claimed = dir.resolve("claimed");
    if (!Files.isDirectory(queue)) {
      return null;
    }
    Files.createDirectories(claimed);
    List<Path> entries;
    try (Stream<Path> list = Files.list(queue)) {
      entries = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    for (Path entry : entries) {
      Path target = claimed.resolve(entry.getFileName().toString() + "." + ProcessHandle.current().pid());
      try {
        Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException e) {
        continue; // another fake claimed it first
      }
      return JSON.readTree(target.toFile());
    }
    return null;
  }

  private static int play(Path dir, int seq, JsonNode script, String[] args, String stdin) throws Exception {
    int exitCode = 0;
    for (JsonNode step : script.get("steps")) {
      String kind = step.get("kind").asText();
      switch (kind) {
        case "out" -> {
          OUT.print(step.get("text").asText());
          OUT.print('\n');
          OUT.flush();
        }
        case "outRaw" -> {
          OUT.print(step.get("text").asText());
          OUT.flush();
        }
        case "err" -> {
          System.err.println(step.get("text").asText());
          System.err.flush();
        }
        case "sleep" -> Thread.sleep(step.get("millis").asLong());
        case "gate" -> awaitGate(dir, seq, step.get("name").asText());
        case "exit" -> exitCode = step.get("code").asInt();
        case "hang" -> Thread.sleep(Long.MAX_VALUE);
        case "crash" -> {
          OUT.flush();
          Runtime.getRuntime().halt(step.get("code").asInt());
        }
        case "ignoreSigterm" -> ignoreSigterm(dir, seq);
        case "grandchild" -> startGrandchild(dir, seq, step.get("seconds").asInt(), true);
        case "orphan" -> startGrandchild(dir, seq, step.get("seconds").asInt(), false);
        case "huge" -> printHugeLine(step.get("chars").asInt());
        case "stubbornGrandchild" -> startStubbornGrandchild(dir, seq, step.get("seconds").asInt());
        case "flood" -> flood(step.get("stderr").asBoolean(), step.get("bytes").asLong());
        case "emulate" -> exitCode = emulate(dir, args, stdin);
        default -> throw new IllegalArgumentException("unknown step " + kind);
      }
    }
    OUT.flush();
    return exitCode;
  }

  /** Says that this run reached the gate, then waits until the test opens it. */
  private static void awaitGate(Path dir, int seq, String name) throws IOException, InterruptedException {
    Path gates = Files.createDirectories(dir.resolve("gates"));
    writeAtomically(gates.resolve(name + ".reached." + seq), new byte[0]);
    while (!Files.exists(gates.resolve(name + ".open"))) {
      Thread.sleep(5);
    }
  }

  @SuppressWarnings("removal")
  private static void ignoreSigterm(Path dir, int seq) throws IOException {
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sun.misc.SignalHandler.SIG_IGN);
    writeAtomically(dir.resolve("invocations").resolve(String.format("%06d.sigterm-ignored", seq)), new byte[0]);
  }

  private static void startGrandchild(Path dir, int seq, int seconds, boolean holdPipes) throws IOException {
    // A pipe holder inherits this process's stdout and stderr: the pipes stay open after we exit.
    ProcessBuilder.Redirect redirect = holdPipes ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD;
    Process child = new ProcessBuilder("sleep", Integer.toString(seconds))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(redirect)
        .redirectError(redirect)
        .start();
    writeAtomically(dir.resolve("invocations").resolve(String.format("%06d.grandchild", seq)),
        Long.toString(child.pid()).getBytes(StandardCharsets.US_ASCII));
  }

  private static void startStubbornGrandchild(Path dir, int seq, int seconds) throws IOException {
    // A signal ignored before exec stays ignored in the program that exec starts.
    Process child = new ProcessBuilder("sh", "-c", "trap '' TERM; exec sleep " + seconds)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    writeAtomically(dir.resolve("invocations").resolve(String.format("%06d.grandchild", seq)),
        Long.toString(child.pid()).getBytes(StandardCharsets.US_ASCII));
  }

  private static void flood(boolean stderr, long bytes) {
    java.io.PrintStream out = stderr ? System.err : OUT;
    byte[] chunk = new byte[64 * 1024];
    java.util.Arrays.fill(chunk, (byte) 'x');
    if (stderr) {
      for (int i = 1023; i < chunk.length; i += 1024) {
        chunk[i] = '\n';
      }
    } else {
      out.print("{\"type\":\"assistant\",\"message\":{\"id\":\"msg_flood\",\"role\":\"assistant\",\"content\":"
          + "[{\"type\":\"text\",\"text\":\"");
    }
    for (long written = 0; written < bytes; written += chunk.length) {
      out.write(chunk, 0, (int) Math.min(chunk.length, bytes - written));
    }
    if (!stderr) {
      out.print("\"}]}}\n");
    }
    out.flush();
  }

  private static void printHugeLine(int chars) throws IOException {
    ObjectNode line = JSON.createObjectNode();
    line.put("type", "assistant");
    ObjectNode message = line.putObject("message");
    message.put("id", "msg_fake_huge");
    message.put("role", "assistant");
    ObjectNode block = message.putArray("content").addObject();
    block.put("type", "text");
    block.put("text", "x".repeat(chars));
    OUT.print(JSON.writeValueAsString(line));
    OUT.print('\n');
    OUT.flush();
  }

  // ---------------------------------------------------------------- emulation of the real CLI

  private static int emulate(Path dir, String[] args, String prompt) throws IOException {
    Map<String, String> flags = flags(args);
    String format = flags.getOrDefault("--output-format", "text");
    if (format.equals("stream-json") && !flags.containsKey("--verbose")) {
      System.err.println("Error: When using --print, --output-format=stream-json requires --verbose");
      return 1;
    }
    if (prompt.isEmpty()) {
      System.err.println("Error: Input must be provided either through stdin or as a prompt argument when using --print");
      return 1;
    }
    BigDecimal runCost = new BigDecimal(readSetting(dir, "cost", "0.001"));
    String sessionId;
    BigDecimal total;
    Path sessions = dir.resolve("sessions");
    Files.createDirectories(sessions);
    try (FileChannel channel = FileChannel.open(dir.resolve("sessions.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
      if (flags.containsKey("--resume")) {
        sessionId = flags.get("--resume");
        Path state = sessions.resolve(sessionId);
        if (!Files.exists(state)) {
          System.err.println("No conversation found with session ID: " + sessionId);
          return 1;
        }
        total = new BigDecimal(Files.readString(state).trim()).add(runCost);
      } else {
        sessionId = flags.containsKey("--session-id") ? flags.get("--session-id") : UUID.randomUUID().toString();
        try {
          UUID.fromString(sessionId);
        } catch (IllegalArgumentException e) {
          System.err.println("Error: Invalid session ID. Must be a valid UUID.");
          return 1;
        }
        if (Files.exists(sessions.resolve(sessionId))) {
          System.err.println("Error: Session ID " + sessionId + " is already in use.");
          return 1;
        }
        total = runCost;
      }
      writeAtomically(sessions.resolve(sessionId), total.toPlainString().getBytes(StandardCharsets.US_ASCII));
    }
    // Two runs of one CLI session at once would corrupt a real transcript: make that an error here.
    Path running = dir.resolve("running");
    Files.createDirectories(running);
    try {
      Files.createFile(running.resolve(sessionId));
    } catch (java.nio.file.FileAlreadyExistsException e) {
      System.err.println("Error: session " + sessionId + " is already running in another process");
      return 3;
    }
    try (FileChannel warm = FileChannel.open(running.resolve(sessionId + ".warm"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock free = warm.tryLock()) {
      if (free == null) {
        // A warm process of the session is alive (FakeClaudeInteractive holds this lock).
        System.err.println("Error: session " + sessionId + " is already running in another process");
        return 3;
      }
    }
    try {
      return respond(dir, flags, sessionId, total, runCost, prompt, format);
    } finally {
      Files.deleteIfExists(running.resolve(sessionId));
    }
  }

  private static int respond(Path dir, Map<String, String> flags, String sessionId, BigDecimal total,
      BigDecimal runCost, String prompt, String format) throws IOException {
    String model = flags.getOrDefault("--model", "claude-fake-1");
    String text = "Echo: " + prompt;
    BigDecimal budget = flags.containsKey("--max-budget-usd") ? new BigDecimal(flags.get("--max-budget-usd")) : null;
    boolean overBudget = budget != null && runCost.compareTo(budget) > 0;
    if (format.equals("stream-json")) {
      ObjectNode init = JSON.createObjectNode();
      init.put("type", "system");
      init.put("subtype", "init");
      init.put("cwd", Path.of("").toAbsolutePath().toString());
      init.put("session_id", sessionId);
      init.putArray("tools");
      init.put("model", model);
      init.put("permissionMode", flags.getOrDefault("--permission-mode", "default"));
      init.put("claude_code_version", FakeClaude.VERSION);
      print(init);
      sleepSetting(dir);
      ObjectNode assistant = JSON.createObjectNode();
      assistant.put("type", "assistant");
      ObjectNode message = assistant.putObject("message");
      message.put("id", "msg_fake_" + UUID.randomUUID().toString().substring(0, 8));
      message.put("role", "assistant");
      message.put("model", model);
      ObjectNode block = message.putArray("content").addObject();
      block.put("type", "text");
      block.put("text", text);
      assistant.putNull("parent_tool_use_id");
      assistant.put("session_id", sessionId);
      print(assistant);
    } else {
      sleepSetting(dir);
    }
    ObjectNode result = JSON.createObjectNode();
    result.put("type", "result");
    result.put("subtype", overBudget ? "error_max_budget_usd" : "success");
    result.put("is_error", overBudget);
    result.put("duration_ms", 12);
    result.put("duration_api_ms", 10);
    result.put("num_turns", 1);
    if (overBudget) {
      result.putArray("errors").add("Reached maximum budget ($" + budget.toPlainString() + ")");
    } else {
      result.put("result", text);
    }
    result.put("session_id", sessionId);
    result.put("total_cost_usd", total);
    ObjectNode usage = result.putObject("usage");
    usage.put("input_tokens", 10);
    usage.put("cache_creation_input_tokens", 0);
    usage.put("cache_read_input_tokens", 0);
    usage.put("output_tokens", 5);
    ObjectNode modelUsage = result.putObject("modelUsage").putObject(model);
    modelUsage.put("inputTokens", 10);
    modelUsage.put("outputTokens", 5);
    modelUsage.put("costUSD", runCost);
    result.putArray("permission_denials");
    result.putNull("api_error_status");
    if (format.equals("text")) {
      OUT.print(overBudget ? "Error: Exceeded USD budget (" + budget.toPlainString() + ")" : text);
      OUT.flush();
    } else {
      print(result);
    }
    return overBudget ? 1 : 0;
  }

  private static void sleepSetting(Path dir) throws IOException {
    long millis = Long.parseLong(readSetting(dir, "delayMillis", "0"));
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String readSetting(Path dir, String name, String defaultValue) throws IOException {
    Path file = dir.resolve("settings").resolve(name);
    return Files.exists(file) ? Files.readString(file).trim() : defaultValue;
  }

  private static void print(JsonNode node) throws IOException {
    OUT.print(JSON.writeValueAsString(node));
    OUT.print('\n');
    OUT.flush();
  }

  /** {@code --flag=value}, {@code --flag value} and bare {@code --flag} (value "true"). */
  private static Map<String, String> flags(String[] args) {
    Map<String, String> flags = new TreeMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        continue;
      }
      int eq = arg.indexOf('=');
      if (eq > 0) {
        flags.put(arg.substring(0, eq), arg.substring(eq + 1));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("-") && takesValue(arg)) {
        flags.put(arg, args[++i]);
      } else {
        flags.put(arg, "true");
      }
    }
    return flags;
  }

  private static boolean takesValue(String flag) {
    return List.of("--output-format", "--session-id", "--resume", "--model", "--max-budget-usd",
        "--permission-mode", "--system-prompt", "--max-turns").contains(flag);
  }

  static void writeAtomically(Path target, byte[] content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp" + ProcessHandle.current().pid());
    Files.write(tmp, content);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

}
