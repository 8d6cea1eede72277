package dev.ccs.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mock of the Anthropic Messages API on 127.0.0.1, for running the real {@code claude} CLI
 * offline. It streams server-sent events the way the real API does ({@code message_start},
 * {@code content_block_*}, {@code message_delta}, {@code message_stop}) and records every request.
 *
 * <p>Replies are picked by markers in the text of the last user message, as in the reference mock
 * ({@code shared/real-cli/mock_anthropic.py}):
 * <ul>
 *   <li>{@code [[mock:text=Some reply]]}, {@code [[mock:echo]]} (the prompt, markers removed)</li>
 *   <li>{@code [[mock:bash=echo hi]]}, {@code [[mock:tool=Name {"a":1}]]}: a tool_use block</li>
 *   <li>{@code [[mock:error=529]]}: that status with {@code x-should-retry: false}
 *       ({@code ,retry} leaves the header out; {@code ,times=N} fails only N times)</li>
 *   <li>{@code [[mock:stream_error]]}: an SSE {@code error} event mid-stream</li>
 *   <li>modifiers: {@code [[mock:slow=5]]} (stream over about 5 s), {@code [[mock:usage=in,out]]},
 *       {@code [[mock:gate=name]]} (stop after the first text delta until {@link #release(String)})</li>
 * </ul>
 * A tool_result in the last user message is answered with {@code Tool result was: <output>}.
 */
public final class MockAnthropic implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MARKER = Pattern.compile("\\[\\[mock:([a-z_]+)(?:=(.*?))?\\]\\]", Pattern.DOTALL);
  private static final Map<Integer, String> ERROR_TYPES = Map.of(400, "invalid_request_error",
      401, "authentication_error", 403, "permission_error", 404, "not_found_error", 429, "rate_limit_error",
      500, "api_error", 529, "overloaded_error");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "mock-anthropic");
    thread.setDaemon(true);
    return thread;
  });
  private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
  private final List<RecordedRequest> log = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> gateReached = new ConcurrentHashMap<>();
  private final AtomicInteger streamsFinished = new AtomicInteger();
  private volatile String defaultText = "Hello from mock";
  private volatile int failAllWith;

  private MockAnthropic() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static MockAnthropic start() {
    try {
      return new MockAnthropic();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The value for {@code ANTHROPIC_BASE_URL}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public MockAnthropic defaultText(String text) {
    defaultText = text;
    return this;
  }

  /** The next {@code /v1/messages} request, waiting up to 30 seconds. */
  public RecordedRequest takeMessagesRequest() {
    try {
      while (true) {
        RecordedRequest request = requests.poll(30, TimeUnit.SECONDS);
        if (request == null) {
          throw new AssertionError("the mock API received no messages request");
        }
        if (request.isMessages()) {
          return request;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Every request so far. */
  public List<RecordedRequest> requests() {
    return List.copyOf(log);
  }

  /** {@code /v1/messages} requests so far. */
  public List<RecordedRequest> messagesRequests() {
    return log.stream().filter(RecordedRequest::isMessages).toList();
  }

  /** Lets a stream held by {@code [[mock:gate=name]]} finish. */
  public void release(String gate) {
    gates.computeIfAbsent(gate, g -> new CountDownLatch(1)).countDown();
  }

  /** Waits until a stream has reached {@code [[mock:gate=name]]} (and sent its first text delta). */
  public void awaitGate(String gate, Duration timeout) {
    try {
      if (!gateReached.computeIfAbsent(gate, g -> new CountDownLatch(1)).await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("no stream reached gate " + gate);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Answers every Messages request with {@code status} (and {@code x-should-retry: false}) whatever
   * the prompt says, as a provider that is down does; 0 answers normally again.
   */
  public MockAnthropic failAllWith(int status) {
    failAllWith = status;
    return this;
  }

  /** Streams sent to the end so far. */
  public int streamsFinished() {
    return streamsFinished.get();
  }

  @Override
  public void close() {
    gates.values().forEach(CountDownLatch::countDown);
    server.stop(0);
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------- HTTP

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] raw = exchange.getRequestBody().readAllBytes();
      JsonNode body = null;
      if (raw.length > 0) {
        try {
          body = JSON.readTree(raw);
        } catch (IOException e) {
          body = JSON.getNodeFactory().textNode(new String(raw, StandardCharsets.UTF_8));
        }
      }
      Map<String, String> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
      String path = exchange.getRequestURI().toString();
      RecordedRequest recorded = new RecordedRequest(exchange.getRequestMethod(), path, Map.copyOf(headers), body);
      log.add(recorded);
      requests.add(recorded);
      String route = exchange.getRequestURI().getPath();
      if (exchange.getRequestMethod().equals("HEAD") || route.equals("/") || route.equals("/api/hello")) {
        sendJson(exchange, 200, JSON.createObjectNode(), Map.of());
      } else if (route.endsWith("/v1/messages/count_tokens")) {
        sendJson(exchange, 200, JSON.createObjectNode().put("input_tokens", Math.max(1, raw.length / 4)), Map.of());
      } else if (route.endsWith("/v1/messages") && body != null && body.isObject()) {
        messages(exchange, body);
      } else {
        sendJson(exchange, 404, error("not_found_error", "mock: no route " + route), Map.of());
      }
    }
  }

  private static ObjectNode error(String type, String message) {
    ObjectNode node = JSON.createObjectNode().put("type", "error");
    node.putObject("error").put("type", type).put("message", message);
    return node;
  }

  private static void sendJson(HttpExchange exchange, int status, JsonNode node, Map<String, String> extra)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(node);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("request-id", "req_mock_" + UUID.randomUUID().toString().substring(0, 8));
    extra.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  // ---------------------------------------------------------------- replies

  private record Plan(String kind, String text, String tool, JsonNode input, int status, boolean retry,
      double delaySeconds, long inputTokens, long outputTokens, String gate) {
  }

  private Plan decide(JsonNode body) {
    JsonNode lastUser = null;
    for (JsonNode message : body.path("messages")) {
      if ("user".equals(message.path("role").asText())) {
        lastUser = message;
      }
    }
    String text = lastUser == null ? "" : allText(lastUser.get("content"));
    String kind = "text";
    String reply = defaultText;
    String tool = null;
    JsonNode input = null;
    int status = 0;
    boolean retry = false;
    double delay = 0;
    long in = 12;
    long out = 5;
    String gate = null;
    List<String[]> markers = new ArrayList<>();
    Matcher matcher = MARKER.matcher(text);
    while (matcher.find()) {
      markers.add(new String[] {matcher.group(1), matcher.group(2)});
    }
    if (lastUser != null && hasToolResult(lastUser.get("content"))) {
      List<String> results = new ArrayList<>();
      for (JsonNode block : lastUser.get("content")) {
        if ("tool_result".equals(block.path("type").asText())) {
          results.add(allText(block.get("content")).strip());
        }
      }
      reply = "Tool result was: " + String.join(" | ", results);
      markers.clear();
    }
    for (String[] marker : markers) {
      switch (marker[0]) {
        case "usage" -> {
          String[] parts = marker[1].split(",");
          in = Long.parseLong(parts[0].trim());
          out = parts.length > 1 ? Long.parseLong(parts[1].trim()) : 0;
        }
        case "slow" -> delay = marker[1] == null ? 5 : Double.parseDouble(marker[1]);
        case "gate" -> gate = marker[1];
        default -> { }
      }
    }
    for (String[] marker : markers) {
      String name = marker[0];
      String value = marker[1];
      if (name.equals("text")) {
        reply = value == null ? "" : value;
      } else if (name.equals("echo")) {
        reply = MARKER.matcher(lastTextBlock(lastUser)).replaceAll("").strip();
      } else if (name.equals("bash")) {
        kind = "tool";
        tool = "Bash";
        input = JSON.createObjectNode().put("command", value == null ? "echo hi" : value).put("description", "Run a command");
      } else if (name.equals("tool")) {
        kind = "tool";
        String spec = value == null ? "" : value;
        int space = spec.indexOf(' ');
        tool = space < 0 ? spec : spec.substring(0, space);
        try {
          input = space < 0 ? JSON.createObjectNode() : JSON.readTree(spec.substring(space + 1));
        } catch (IOException e) {
          input = JSON.createObjectNode().put("raw", spec);
        }
      } else if (name.equals("error")) {
        String[] parts = (value == null ? "500" : value).split(",");
        int times = -1;
        boolean retryFlag = false;
        for (int i = 1; i < parts.length; i++) {
          String part = parts[i].trim();
          if (part.equals("retry")) {
            retryFlag = true;
          } else if (part.startsWith("times=")) {
            times = Integer.parseInt(part.substring(6));
            retryFlag = true;
          }
        }
        if (times >= 0 && failures.computeIfAbsent("error=" + value, k -> new AtomicInteger()).getAndIncrement() >= times) {
          continue; // this error's budget is used up: the next marker applies
        }
        kind = "error";
        status = Integer.parseInt(parts[0].trim());
        retry = retryFlag;
      } else if (name.equals("stream_error")) {
        kind = "stream_error";
      } else {
        continue;
      }
      break;
    }
    return new Plan(kind, reply, tool, input, status, retry, delay, in, out, gate);
  }

  private void messages(HttpExchange exchange, JsonNode body) throws IOException {
    int forced = failAllWith;
    if (forced != 0) {
      sendJson(exchange, forced, error(ERROR_TYPES.getOrDefault(forced, "api_error"), "mock error " + forced),
          Map.of("x-should-retry", "false"));
      return;
    }
    Plan plan = decide(body);
    String model = body.path("model").asText("claude-mock");
    if (plan.kind().equals("error")) {
      Map<String, String> extra = plan.retry() ? Map.of("retry-after", "0") : Map.of("x-should-retry", "false");
      sendJson(exchange, plan.status(), error(ERROR_TYPES.getOrDefault(plan.status(), "api_error"),
          "mock error " + plan.status()), extra);
      return;
    }
    String messageId = "msg_mock_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    ArrayNode content = JSON.createArrayNode();
    String stopReason;
    if (plan.kind().equals("tool")) {
      content.addObject().put("type", "tool_use").put("id", "toolu_mock_" + UUID.randomUUID().toString().substring(0, 8))
          .put("name", plan.tool()).set("input", plan.input());
      stopReason = "tool_use";
    } else {
      content.addObject().put("type", "text").put("text", plan.text());
      stopReason = "end_turn";
    }
    ObjectNode usage = JSON.createObjectNode().put("input_tokens", plan.inputTokens())
        .put("output_tokens", plan.outputTokens()).put("cache_creation_input_tokens", 0)
        .put("cache_read_input_tokens", 0);
    if (!body.path("stream").asBoolean(false)) {
      ObjectNode message = JSON.createObjectNode().put("id", messageId).put("type", "message")
          .put("role", "assistant").put("model", model);
      message.set("content", content);
      message.put("stop_reason", stopReason).putNull("stop_sequence");
      message.set("usage", usage);
      sendJson(exchange, 200, message, Map.of());
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.getResponseHeaders().set("request-id", "req_mock_" + UUID.randomUUID().toString().substring(0, 8));
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    try {
      ObjectNode start = JSON.createObjectNode().put("type", "message_start");
      ObjectNode startMessage = start.putObject("message").put("id", messageId).put("type", "message")
          .put("role", "assistant").put("model", model);
      startMessage.putArray("content");
      startMessage.putNull("stop_reason").putNull("stop_sequence");
      startMessage.putObject("usage").put("input_tokens", plan.inputTokens()).put("output_tokens", 1)
          .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0);
      event(out, "message_start", start);
      event(out, "ping", JSON.createObjectNode().put("type", "ping"));
      if (plan.kind().equals("stream_error")) {
        event(out, "error", error("overloaded_error", "mock overloaded mid-stream"));
        return;
      }
      if (plan.kind().equals("tool")) {
        JsonNode block = content.get(0);
        ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
        blockStart.putObject("content_block").put("type", "tool_use").put("id", block.get("id").asText())
            .put("name", block.get("name").asText()).putObject("input");
        event(out, "content_block_start", blockStart);
        String js = JSON.writeValueAsString(plan.input());
        for (int i = 0; i < js.length(); i += 16) {
          ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
          delta.putObject("delta").put("type", "input_json_delta").put("partial_json", js.substring(i, Math.min(js.length(), i + 16)));
          event(out, "content_block_delta", delta);
        }
      } else {
        ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
        blockStart.putObject("content_block").put("type", "text").put("text", "");
        event(out, "content_block_start", blockStart);
        List<String> pieces = pieces(plan.text(), plan.delaySeconds() > 0);
        long pause = plan.delaySeconds() > 0 ? (long) (plan.delaySeconds() * 1000 / Math.max(1, pieces.size())) : 0;
        boolean first = true;
        for (String piece : pieces) {
          ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
          delta.putObject("delta").put("type", "text_delta").put("text", piece);
          event(out, "content_block_delta", delta);
          if (first && plan.gate() != null) {
            gateReached.computeIfAbsent(plan.gate(), g -> new CountDownLatch(1)).countDown();
            gates.computeIfAbsent(plan.gate(), g -> new CountDownLatch(1)).await(120, TimeUnit.SECONDS);
          }
          first = false;
          if (pause > 0) {
            Thread.sleep(pause);
          }
        }
      }
      event(out, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 0));
      ObjectNode delta = JSON.createObjectNode().put("type", "message_delta");
      delta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
      delta.putObject("usage").put("output_tokens", plan.outputTokens());
      event(out, "message_delta", delta);
      event(out, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
      streamsFinished.incrementAndGet();
    } catch (IOException e) {
      // The client went away mid-stream (a cancelled run): nothing more to send.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> pieces(String text, boolean fine) {
    List<String> pieces = new ArrayList<>();
    if (fine && text.split("\\s+").length < 10) {
      for (char c : text.toCharArray()) {
        pieces.add(String.valueOf(c));
      }
    } else {
      Matcher words = Pattern.compile("\\S+\\s*|\\s+").matcher(text);
      while (words.find()) {
        pieces.add(words.group());
      }
    }
    if (pieces.isEmpty()) {
      pieces.add("");
    }
    return pieces;
  }

  private static void event(OutputStream out, String name, JsonNode data) throws IOException {
    out.write(("event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String allText(JsonNode content) {
    if (content == null) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode block : content) {
      String type = block.path("type").asText();
      if (type.equals("text")) {
        text.append(block.path("text").asText()).append('\n');
      } else if (type.equals("tool_result")) {
        text.append(allText(block.get("content"))).append('\n');
      }
    }
    return text.toString();
  }

  private static boolean hasToolResult(JsonNode content) {
    if (content == null || !content.isArray()) {
      return false;
    }
    for (JsonNode block : content) {
      if ("tool_result".equals(block.path("type").asText())) {
        return true;
      }
    }
    return false;
  }

  private static String lastTextBlock(JsonNode message) {
    if (message == null) {
      return "";
    }
    JsonNode content = message.get("content");
    if (content != null && content.isTextual()) {
      return content.asText();
    }
    String last = "";
    if (content != null) {
      for (JsonNode block : content) {
        if ("text".equals(block.path("type").asText())) {
          last = block.path("text").asText();
        }
      }
    }
    return last;
  }
}
