package dev.ccs.httpd.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.compat.ChatMessage;
import dev.ccs.core.compat.Conversations;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.json.Json;
import dev.ccs.core.message.MessageResult;
import dev.ccs.core.exec.RunFailedException;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.protocol.Usage;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.stream.RunStream;
import dev.ccs.core.stream.StreamItem;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /v1/chat/completions} and {@code GET /v1/models}. A request continues the ccs session
 * that answered its earlier messages, or starts one ({@link Conversations}); the answer is the CLI's
 * final text. With {@code stream: true} the CLI's text deltas go out as {@code chat.completion.chunk}
 * events as it writes them, then a final chunk, a usage chunk when asked, and {@code [DONE]}.
 */
public final class ChatCompletionsHandler {

  /** Run failures that are answers cut short (OpenAI's {@code finish_reason: "length"}). */
  private static final java.util.Set<String> CUT_SHORT = java.util.Set.of("max_budget_reached", "max_turns_reached");

  private final Ccs ccs;
  private final Conversations conversations = new Conversations();

  public ChatCompletionsHandler(Ccs ccs) {
    this.ccs = ccs;
  }

  /** {@code GET /v1/models}: the CLI's model aliases, and the configured default model. */
  public ApiResponse models(ApiRequest request) {
    ObjectNode body = Json.object().put("object", "list");
    ArrayNode data = body.putArray("data");
    for (String id : Models.available(ccs.config().defaultModel())) {
      data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", "anthropic");
    }
    return ApiResponse.json(200, body);
  }

  public ApiResponse complete(ApiRequest request) {
    ChatRequest chat = ChatRequest.read(request.jsonObject());
    String model = Models.resolve(chat.model(), ccs.config().defaultModel());
    Conversations.Plan plan;
    try {
      plan = conversations.plan(chat.system(), chat.messages());
    } catch (IllegalArgumentException e) {
      throw ChatRequest.invalid(e.getMessage(), "messages");
    }
    RunOptions options = RunOptions.builder().model(model).systemPrompt(chat.system()).build();
    String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    long created = ccs.clock().instant().getEpochSecond();
    if (!chat.stream()) {
      String content;
      String finish = "stop";
      Usage usage;
      String sessionId;
      try {
        MessageResult result = plan.continues()
            ? ccs.sessions().continueSession(plan.sessionId(), plan.prompt(), options)
            : ccs.sessions().send(plan.prompt(), null, null, options);
        content = result.result();
        usage = result.usage();
        sessionId = result.sessionId();
      } catch (RunFailedException e) {
        // A run the budget or the turn limit cut short is an answer cut short, as OpenAI says "length".
        if (!CUT_SHORT.contains(e.code()) || e.sessionId() == null) {
          throw e;
        }
        ResultMessage cut = e.outcome().result();
        content = cut == null || cut.result() == null ? "" : cut.result();
        usage = cut == null ? Usage.ZERO : cut.usage();
        sessionId = e.sessionId();
        finish = "length";
      }
      remember(UUID.fromString(sessionId), chat, content);
      ObjectNode body = Json.object().put("id", id).put("object", "chat.completion").put("created", created)
          .put("model", chat.model()).put("system_fingerprint", "ccs");
      ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", content).putNull("refusal");
      choice.putNull("logprobs");
      choice.put("finish_reason", finish);
      body.set("usage", usage(usage));
      body.put("session_id", sessionId);
      return ApiResponse.json(200, body).header("X-Session-Id", sessionId);
    }
    UUID session = plan.continues() ? plan.sessionId()
        : ccs.sessions().create(null, model, Json.object().put("face", "openai"), null).id();
    RunStream stream;
    try {
      stream = ccs.sessions().startStream(session, plan.prompt(), options);
    } catch (RuntimeException e) {
      if (!plan.continues()) {
        ccs.sessions().discardUnused(session);
      }
      throw e;
    }
    return ApiResponse.streaming(200, "text/event-stream; charset=utf-8",
        out -> streamChunks(out, stream, chat, id, created))
        .header("Cache-Control", "no-cache").header("X-Accel-Buffering", "no")
        .header("X-Session-Id", session.toString());
  }

  private void streamChunks(OutputStream out, RunStream stream, ChatRequest chat, String id, long created)
      throws IOException {
    chunk(out, id, created, chat.model(), Json.object().put("role", "assistant").put("content", ""), null);
    StringBuilder text = new StringBuilder();
    long last = 0;
    try {
      while (true) {
        RunStream.Batch batch = stream.next(last, 15, TimeUnit.SECONDS);
        if (batch.items().isEmpty()) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          continue;
        }
        for (StreamItem item : batch.items()) {
          last = item.id();
          if (item.name().equals("message")) {
            String delta = Json.parse(item.data()).at("/event/delta/text").asText("");
            if (!delta.isEmpty()) {
              text.append(delta);
              chunk(out, id, created, chat.model(), Json.object().put("content", delta), null);
            }
          } else if (item.terminal()) {
            finish(out, stream, chat, id, created, item, text);
            return;
          }
        }
      }
    } catch (IOException e) {
      // The client went away: its run would answer no one.
      stream.cancel();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void finish(OutputStream out, RunStream stream, ChatRequest chat, String id, long created, StreamItem end,
      StringBuilder text) throws IOException {
    JsonNode data = Json.parse(end.data());
    if (end.name().equals("error")) {
      ObjectNode error = Json.object();
      error.putObject("error").put("message", data.path("error").asText("the run failed"))
          .put("type", "server_error").put("code", data.path("code").asText("cli_error")).putNull("param");
      write(out, error);
    } else {
      String result = data.path("result").asText("");
      if (text.length() == 0 && !result.isEmpty()) {
        // A CLI that sent no deltas: the whole answer in one chunk.
        chunk(out, id, created, chat.model(), Json.object().put("content", result), null);
        text.append(result);
      }
      chunk(out, id, created, chat.model(), Json.object(), "stop");
      if (chat.includeUsage()) {
        ObjectNode usage = chunkBody(id, created, chat.model());
        usage.putArray("choices");
        usage.set("usage", usage(Usage.from(data.get("usage"))));
        write(out, usage);
      }
      remember(stream.sessionId(), chat, text.toString());
    }
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private void remember(UUID session, ChatRequest chat, String answer) {
    List<ChatMessage> conversation = new ArrayList<>(chat.messages());
    conversation.add(new ChatMessage("assistant", answer));
    conversations.remember(session, chat.system(), conversation);
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

  static CcsException notFound(String model) {
    return new CcsException.NotFound("model_not_found", "The model \"" + model + "\" does not exist here; "
        + "GET /v1/models lists the models ccs offers");
  }
}
