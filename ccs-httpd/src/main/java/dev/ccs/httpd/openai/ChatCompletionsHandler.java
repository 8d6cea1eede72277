package dev.ccs.httpd.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
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
import java.util.UUID;

/**
 * {@code POST /v1/chat/completions} and {@code GET /v1/models}. A request continues the ccs session
 * that answered its earlier messages, or starts one; the answer is the CLI's final text. With
 * {@code stream: true} the CLI's text deltas go out as {@code chat.completion.chunk} events as it
 * writes them, then a final chunk, a usage chunk when asked, and {@code [DONE]}.
 */
public final class ChatCompletionsHandler {

  private final Ccs ccs;
  private final FaceTurns turns;

  public ChatCompletionsHandler(Ccs ccs) {
    this.ccs = ccs;
    this.turns = new FaceTurns(ccs, "openai");
  }

  /** {@code GET /v1/models}: the models this face offers, in OpenAI's list shape. */
  public ApiResponse models(ApiRequest request) {
    ObjectNode body = Json.object().put("object", "list");
    ArrayNode data = body.putArray("data");
    for (String id : Models.available(ccs.config())) {
      data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", "anthropic");
    }
    return ApiResponse.json(200, body);
  }

  public ApiResponse complete(ApiRequest request) {
    ChatRequest chat = ChatRequest.read(request.jsonObject());
    UUID named = FaceTurns.namedSession(request.header("x-session-id"), request.jsonObject());
    RunOptions options = RunOptions.builder().model(Models.resolve(chat.model(), ccs.config()))
        .systemPrompt(chat.system()).build();
    String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    long created = ccs.clock().instant().getEpochSecond();
    if (!chat.stream()) {
      FaceTurns.Answer answer = turns.run(chat.system(), chat.messages(), options, named);
      ObjectNode body = chunkBody(id, created, chat.model()).put("object", "chat.completion");
      ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", answer.text()).putNull("refusal");
      choice.putNull("logprobs");
      // A run the budget or the turn limit cut short is an answer cut short: "length".
      choice.put("finish_reason", answer.cutShort() ? "length" : "stop");
      body.set("usage", usage(answer.usage()));
      body.put("session_id", answer.sessionId());
      return ApiResponse.json(200, body).header("X-Session-Id", answer.sessionId());
    }
    FaceTurns.Started started = turns.start(chat.system(), chat.messages(), options, named);
    return ApiResponse.streaming(200, "text/event-stream; charset=utf-8", out -> {
      chunk(out, id, created, chat.model(), Json.object().put("role", "assistant").put("content", ""), null);
      turns.pump(started, chat.system(), chat.messages(), new FaceTurns.Sink() {
        @Override
        public void delta(String text) throws IOException {
          chunk(out, id, created, chat.model(), Json.object().put("content", text), null);
        }

        @Override
        public void keepAlive() throws IOException {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        }

        @Override
        public void done(FaceTurns.Answer answer) throws IOException {
          chunk(out, id, created, chat.model(), Json.object(), "stop");
          if (chat.includeUsage()) {
            ObjectNode usage = chunkBody(id, created, chat.model());
            usage.putArray("choices");
            usage.set("usage", usage(answer.usage()));
            write(out, usage);
          }
          finishStream(out);
        }

        @Override
        public void toolUse(String name, String input) throws IOException {
          FaceTurns.toolUseComment(out, name, input);
        }

        @Override
        public void failed(String code, String message) throws IOException {
          ObjectNode error = Json.object();
          error.putObject("error").put("message", message).put("type", "server_error").putNull("param")
              .put("code", code);
          write(out, error);
          finishStream(out);
        }
      });
    }).header("Cache-Control", "no-cache").header("X-Accel-Buffering", "no")
        .header("X-Session-Id", started.sessionId().toString());
  }

  private static void finishStream(OutputStream out) throws IOException {
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void chunk(OutputStream out, String id, long created, String model, ObjectNode delta, String finish)
      throws IOException {
    ObjectNode body = chunkBody(id, created, model);
    ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    write(out, body);
  }

  private static ObjectNode chunkBody(String id, long created, String model) {
    return Json.object().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model)
        .put("system_fingerprint", "ccs");
  }

  private static void write(OutputStream out, JsonNode body) throws IOException {
    out.write(("data: " + Json.write(body) + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** OpenAI's usage: the prompt counts cached tokens too, and says how many were cached. */
  static ObjectNode usage(Usage usage) {
    long prompt = usage.inputTokens() + usage.cacheReadInputTokens() + usage.cacheCreationInputTokens();
    ObjectNode node = Json.object().put("prompt_tokens", prompt).put("completion_tokens", usage.outputTokens())
        .put("total_tokens", prompt + usage.outputTokens());
    node.putObject("prompt_tokens_details").put("cached_tokens", usage.cacheReadInputTokens());
    node.putObject("completion_tokens_details").put("reasoning_tokens", 0);
    return node;
  }
}
