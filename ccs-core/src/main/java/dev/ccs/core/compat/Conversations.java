package dev.ccs.core.compat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Which ccs session a chat request continues. Chat APIs send the whole conversation each time; the
 * CLI keeps it in its session. After each answer the conversation (system prompt, every message,
 * the answer) is remembered by a hash chain; a request whose messages before its last one hash to a
 * remembered chain continues that session with only its last message. Anything else starts a
 * session whose first prompt is the flattened transcript ({@link #flatten}). A changed system
 * prompt changes every hash, so it starts a new session. Bounded (least recently used chains are
 * forgotten) and in memory: after a restart a conversation continues in a new session.
 */
public final class Conversations {

  /** How many conversations are remembered. */
  public static final int DEFAULT_CAPACITY = 10_000;

  /** What a request runs: the session it continues (null for a new one) and the prompt to send. */
  public record Plan(UUID sessionId, String prompt) {

    public boolean continues() {
      return sessionId != null;
    }
  }

  private final Map<String, UUID> chains;

  public Conversations() {
    this(DEFAULT_CAPACITY);
  }

  public Conversations(int capacity) {
    this.chains = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, UUID> eldest) {
        return size() > capacity;
      }
    };
  }

  /**
   * The plan for {@code messages} (the last one is the user's new message) under {@code system}.
   *
   * @throws IllegalArgumentException when there is no message or the last one is not the user's
   */
  public synchronized Plan plan(String system, List<ChatMessage> messages) {
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("messages is empty: send at least one user message");
    }
    ChatMessage last = messages.get(messages.size() - 1);
    if (!last.role().equals("user")) {
      throw new IllegalArgumentException("the last message must be the user's (role \"user\"), was \""
          + last.role() + "\"");
    }
    if (last.text().isBlank()) {
      throw new IllegalArgumentException("the last user message has no text");
    }
    List<ChatMessage> earlier = messages.subList(0, messages.size() - 1);
    UUID session = earlier.isEmpty() ? null : chains.get(hash(system, earlier));
    if (session != null) {
      return new Plan(session, last.text());
    }
    return new Plan(null, flatten(messages));
  }

  /** Remembers that {@code session} holds {@code conversation} (ending with the answer just given). */
  public synchronized void remember(UUID session, String system, List<ChatMessage> conversation) {
    chains.put(hash(system, conversation), session);
  }

  public synchronized int size() {
    return chains.size();
  }

  /**
   * A conversation as one prompt: the text alone for a single message, else the earlier turns as a
   * transcript followed by the new message.
   */
  public static String flatten(List<ChatMessage> messages) {
    if (messages.size() == 1) {
      return messages.get(0).text();
    }
    StringBuilder prompt = new StringBuilder("This conversation began elsewhere. The earlier turns:\n\n");
    for (ChatMessage message : messages.subList(0, messages.size() - 1)) {
      prompt.append(message.role().equals("user") ? "User: " : "Assistant: ").append(message.text()).append("\n\n");
    }
    return prompt.append("Answer the user's new message:\n\n").append(messages.get(messages.size() - 1).text())
        .toString();
  }

  /** The chain's hash: each message folded into the hash of those before it, starting from the system prompt. */
  static String hash(String system, List<ChatMessage> messages) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] chain = sha.digest(("system\0" + (system == null ? "" : system)).getBytes(StandardCharsets.UTF_8));
      for (ChatMessage message : messages) {
        sha.update(chain);
        sha.update((message.role() + "\0" + message.text()).getBytes(StandardCharsets.UTF_8));
        chain = sha.digest();
      }
      return HexFormat.of().formatHex(chain);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
