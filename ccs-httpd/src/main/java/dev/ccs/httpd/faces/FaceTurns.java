package dev.ccs.httpd.faces;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.compat.ChatMessage;
import dev.ccs.core.compat.Conversations;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.exec.RunFailedException;
import dev.ccs.core.json.Json;
import dev.ccs.core.message.MessageResult;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.protocol.Usage;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.stream.RunStream;
import dev.ccs.core.stream.StreamItem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A chat request's turn on the core: the session its conversation continues ({@link Conversations})
 * or a new one, the run, and the conversation remembered with its answer so that the next request
 * continues it. One instance per face (its conversations are its own).
 */
public final class FaceTurns {

  /** Run failures that are answers cut short (OpenAI's "length", Anthropic's "max_tokens"). */
  private static final Set<String> CUT_SHORT = Set.of("max_budget_reached", "max_turns_reached");

  /** A turn's answer: its session, its text, its usage, and whether a limit cut it short. */
  public record Answer(String sessionId, String text, Usage usage, boolean cutShort) {
  }

  /** What a streamed turn's events become on the wire. */
  public interface Sink {
    void delta(String text) throws IOException;

    void keepAlive() throws IOException;

    void done(Answer answer) throws IOException;

    void failed(String code, String message) throws IOException;

    /** Claude Code used one of its own tools (name, and its input as JSON): not part of the answer. */
    void toolUse(String name, String input) throws IOException;
  }

  /**
   * A streamed turn that has started: its session and its stream.
   *
   * @param named whether the client named the session (then a client that leaves does not end the
   *     turn: it runs on and its answer is stored, as the client manages the session itself)
   */
  public record Started(UUID sessionId, RunStream stream, boolean named) {
  }

  private final Ccs ccs;
  private final String face;
  private final Conversations conversations = new Conversations();

  /** @param face the face's name, put in the metadata of the sessions it starts */
  public FaceTurns(Ccs ccs, String face) {
    this.ccs = ccs;
    this.face = face;
  }

  /**
   * The plan: the session the client named ({@code X-Session-Id} or {@code session_id}), which then
   * gets only the last message, else the one its earlier messages continue, else a new one.
   */
  private Conversations.Plan plan(String system, List<ChatMessage> messages, UUID named) {
    Conversations.Plan plan;
    try {
      plan = conversations.plan(system, messages);
    } catch (IllegalArgumentException e) {
      throw new CcsException.InvalidRequest("invalid_value", e.getMessage());
    }
    if (named == null) {
      return plan;
    }
    ccs.sessions().get(named); // 404 when there is no such session
    return new Conversations.Plan(named, messages.get(messages.size() - 1).text());
  }

  /** The session a request names ({@code X-Session-Id} header or {@code session_id} field), or null. */
  public static UUID namedSession(String header, JsonNode body) {
    String value = header != null && !header.isBlank() ? header.trim()
        : body.path("session_id").isTextual() ? body.get("session_id").asText() : null;
    if (value == null) {
      return null;
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw new CcsException.InvalidRequest("invalid_session_id", "session_id must be a session's id (a UUID)");
    }
  }

  /** Runs the turn and waits for its answer. */
  public Answer run(String system, List<ChatMessage> messages, RunOptions options, UUID named) {
    Conversations.Plan plan = plan(system, messages, named);
    Answer answer;
    try {
      MessageResult result = plan.continues()
          ? ccs.sessions().continueSession(plan.sessionId(), plan.prompt(), options)
          : ccs.sessions().send(plan.prompt(), null, null, options);
      answer = new Answer(result.sessionId(), result.result(), result.usage(), false);
    } catch (RunFailedException e) {
      if (!CUT_SHORT.contains(e.code()) || e.sessionId() == null) {
        throw e;
      }
      ResultMessage cut = e.outcome().result();
      answer = new Answer(e.sessionId(), cut == null || cut.result() == null ? "" : cut.result(),
          cut == null ? Usage.ZERO : cut.usage(), true);
    }
    remember(UUID.fromString(answer.sessionId()), system, messages, answer.text());
    return answer;
  }

  /** Starts the turn streamed; {@link #pump} then sends its events. */
  public Started start(String system, List<ChatMessage> messages, RunOptions options, UUID named) {
    Conversations.Plan plan = plan(system, messages, named);
    UUID session = plan.continues() ? plan.sessionId()
        : ccs.sessions().create(null, options.model(), Json.object().put("face", face), null).id();
    try {
      return new Started(session, ccs.sessions().startStream(session, plan.prompt(), options), named != null);
    } catch (RuntimeException e) {
      if (!plan.continues()) {
        ccs.sessions().discardUnused(session);
      }
      throw e;
    }
  }

  /**
   * Sends the stream's text deltas, keep-alives while it is quiet ({@code streaming.heartbeatMs}:
   * also how a client that left is noticed), and its end. A client that goes away cancels the run,
   * whose answer would reach no one, unless it named its session.
   */
  public void pump(Started started, String system, List<ChatMessage> messages, Sink sink) throws IOException {
    RunStream stream = started.stream();
    StringBuilder text = new StringBuilder();
    long last = 0;
    try {
      while (true) {
        RunStream.Batch batch = stream.next(last, ccs.config().streaming().heartbeat().toMillis(),
            TimeUnit.MILLISECONDS);
        if (batch.items().isEmpty()) {
          sink.keepAlive();
          continue;
        }
        for (StreamItem item : batch.items()) {
          last = item.id();
          if (item.name().equals("message")) {
            JsonNode line = Json.parse(item.data());
            String delta = line.at("/event/delta/text").asText("");
            if (!delta.isEmpty()) {
              text.append(delta);
              sink.delta(delta);
            }
            if (line.path("type").asText().equals("assistant")) {
              for (JsonNode block : line.at("/message/content")) {
                if (block.path("type").asText().equals("tool_use")) {
                  sink.toolUse(block.path("name").asText(), Json.write(block.path("input")));
                }
              }
            }
          } else if (item.terminal()) {
            JsonNode data = Json.parse(item.data());
            if (item.name().equals("done")) {
              String result = data.path("result").asText("");
              if (text.length() == 0 && !result.isEmpty()) {
                // A CLI that sent no deltas: the whole answer at once.
                sink.delta(result);
                text.append(result);
              }
              remember(started.sessionId(), system, messages, text.toString());
              sink.done(new Answer(started.sessionId().toString(), text.toString(), Usage.from(data.get("usage")),
                  false));
            } else {
              sink.failed(data.path("code").asText("cli_error"), data.path("error").asText("the run failed"));
            }
            return;
          }
        }
      }
    } catch (IOException e) {
      if (!started.named()) {
        stream.cancel();
      }
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Claude Code's tool use as an SSE comment: clients and SDKs skip comments, a person watching the
   * stream sees Claude Code work. The same line for every face.
   */
  public static void toolUseComment(java.io.OutputStream out, String name, String input) throws IOException {
    out.write((": tool_use " + name + " " + input.replace('\n', ' ') + "\n\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    out.flush();
  }

  private void remember(UUID session, String system, List<ChatMessage> messages, String answer) {
    List<ChatMessage> conversation = new ArrayList<>(messages);
    conversation.add(new ChatMessage("assistant", answer));
    conversations.remember(session, system, conversation);
  }
}
