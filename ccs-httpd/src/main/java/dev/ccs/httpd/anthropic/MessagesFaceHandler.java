package dev.ccs.httpd.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.compat.ChatMessage;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.json.Json;
import dev.ccs.core.protocol.Usage;
import dev.ccs.core.run.RunOptions;
import dev.ccs.httpd.faces.FaceTurns;
import dev.ccs.httpd.faces.Models;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /v1/messages}: the Messages API's request and answer, and with {@code stream: true}
 * its event sequence ({@code message_start}, {@code content_block_start}, {@code content_block_delta}
 * per CLI text delta, {@code content_block_stop}, {@code message_delta}, {@code message_stop}). The
 * answer is the CLI's final text as one text block; the conversation rules are the OpenAI face's.
 * {@code x-api-key} carries the ccs key; {@code anthropic-version} is accepted.
 */
public final class MessagesFaceHandler {

  private final Ccs ccs;
  private final FaceTurns turns;

  public MessagesFaceHandler(Ccs ccs) {
    this.ccs = ccs;
    this.turns = new FaceTurns(ccs, "anthropic");
  }

  /** A request, read: model, system prompt, messages as text, whether to stream. */
  record Request(String model, String system, List<ChatMessage> messages, boolean stream) {
  }

  static Request read(JsonNode body) {
    if (!body.isObject()) {
      throw invalid("the body must be a JSON object");
    }
    if (body.path("tools").isArray() && !body.path("tools").isEmpty()) {
      throw invalid("\"tools\" is not supported: Claude Code runs its own tools and answers with the final text");
    }
    JsonNode model = body.get("model");
    if (model == null || !model.isTextual() || model.asText().isBlank()) {
      throw invalid("model: Field required");
    }
    if (!body.path("max_tokens").canConvertToInt() || body.path("max_tokens").asInt() < 1) {
      throw invalid("max_tokens: Field required (a positive integer)");
    }
    JsonNode list = body.get("messages");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw invalid("messages: at least one message is required");
    }
    List<ChatMessage> messages = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String role = list.get(i).path("role").asText("");
      if (!role.equals("user") && !role.equals("assistant")) {
        throw invalid("messages." + i + ".role: Input should be 'user' or 'assistant'");
      }
      messages.add(new ChatMessage(role, text(list.get(i).get("content"), "messages." + i + ".content")));
    }
    JsonNode system = body.get("system");
    String systemText = system == null || system.isNull() ? null : text(system, "system");
    return new Request(model.asText(), systemText == null || systemText.isEmpty() ? null : systemText, messages,
        body.path("stream").asBoolean(false));
  }

  private static String text(JsonNode content, String where) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (!content.isArray()) {
      throw invalid(where + ": a string or a list of content blocks");
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode block : content) {
      String type = block.path("type").asText("");
      if (!type.equals("text")) {
        throw invalid(where + ": a block of type \"" + type + "\" is not supported; only text blocks are (the CLI's "
            + "print mode takes text)");
      }
      text.append(text.length() == 0 ? "" : "\n").append(block.path("text").asText());
    }
    return text.toString();
  }

  private static CcsException.InvalidRequest invalid(String message) {
    return new CcsException.InvalidRequest("invalid_request_error", message);
  }

  public ApiResponse create(ApiRequest request) {
    Request messages = read(request.jsonObject());
    UUID named = FaceTurns.namedSession(request.header("x-session-id"), request.jsonObject().path("metadata"));
    RunOptions options = RunOptions.builder().model(Models.resolve(messages.model(), ccs.config()))
        .systemPrompt(messages.system()).build();
    String id = "msg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    if (!messages.stream()) {
      FaceTurns.Answer answer = turns.run(messages.system(), messages.messages(), options, named);
      ObjectNode body = message(id, messages.model());
      body.putArray("content").addObject().put("type", "text").put("text", answer.text());
      body.put("stop_reason", answer.cutShort() ? "max_tokens" : "end_turn");
      body.set("usage", usage(answer.usage()));
      return ApiResponse.json(200, body).header("X-Session-Id", answer.sessionId());
    }
    FaceTurns.Started started = turns.start(messages.system(), messages.messages(), options, named);
    return ApiResponse.streaming(200, "text/event-stream; charset=utf-8", out -> {
      ObjectNode start = message(id, messages.model());
      start.putArray("content");
      start.putNull("stop_reason");
      start.set("usage", usage(Usage.ZERO));
      event(out, "message_start", Json.object().put("type", "message_start").set("message", start));
      ObjectNode block = Json.object().put("type", "content_block_start").put("index", 0);
      block.putObject("content_block").put("type", "text").put("text", "");
      event(out, "content_block_start", block);
      turns.pump(started, messages.system(), messages.messages(), new FaceTurns.Sink() {
        @Override
        public void delta(String text) throws IOException {
          ObjectNode delta = Json.object().put("type", "content_block_delta").put("index", 0);
          delta.putObject("delta").put("type", "text_delta").put("text", text);
          event(out, "content_block_delta", delta);
        }

        @Override
        public void keepAlive() throws IOException {
          event(out, "ping", Json.object().put("type", "ping"));
        }

        @Override
        public void done(FaceTurns.Answer answer) throws IOException {
          event(out, "content_block_stop", Json.object().put("type", "content_block_stop").put("index", 0));
          ObjectNode delta = Json.object().put("type", "message_delta");
          delta.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
          delta.set("usage", usage(answer.usage()));
          event(out, "message_delta", delta);
          event(out, "message_stop", Json.object().put("type", "message_stop"));
        }

        @Override
        public void toolUse(String name, String input) throws IOException {
          FaceTurns.toolUseComment(out, name, input);
        }

        @Override
        public void failed(String code, String message) throws IOException {
          ObjectNode error = Json.object().put("type", "error");
          error.putObject("error").put("type", "api_error").put("message", message + " (" + code + ")");
          event(out, "error", error);
        }
      });
    }).header("Cache-Control", "no-cache").header("X-Accel-Buffering", "no")
        .header("X-Session-Id", started.sessionId().toString());
  }

  private static ObjectNode message(String id, String model) {
    ObjectNode body = Json.object().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
    body.putNull("stop_sequence");
    return body;
  }

  static ObjectNode usage(Usage usage) {
    return Json.object().put("input_tokens", usage.inputTokens()).put("output_tokens", usage.outputTokens())
        .put("cache_creation_input_tokens", usage.cacheCreationInputTokens())
        .put("cache_read_input_tokens", usage.cacheReadInputTokens());
  }

  private static void event(OutputStream out, String name, JsonNode data) throws IOException {
    out.write(("event: " + name + "\ndata: " + Json.write(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
