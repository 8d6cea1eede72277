package dev.ccs.core.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConversationsTest {

  private static ChatMessage user(String text) {
    return new ChatMessage("user", text);
  }

  private static ChatMessage assistant(String text) {
    return new ChatMessage("assistant", text);
  }

  @Test
  void aConversationThatExtendsOneAnsweredContinuesItsSessionWithTheNewMessageOnly() {
    Conversations conversations = new Conversations();
    Conversations.Plan first = conversations.plan("brief", List.of(user("hi")));
    assertThat(first.continues()).isFalse();
    assertThat(first.prompt()).isEqualTo("hi");
    UUID session = UUID.randomUUID();
    conversations.remember(session, "brief", List.of(user("hi"), assistant("hello")));

    Conversations.Plan next = conversations.plan("brief", List.of(user("hi"), assistant("hello"), user("more")));
    assertThat(next.sessionId()).isEqualTo(session);
    assertThat(next.prompt()).isEqualTo("more");
  }

  @Test
  void anEditedHistoryOrAnotherSystemPromptStartsANewSessionWithTheTranscript() {
    Conversations conversations = new Conversations();
    conversations.remember(UUID.randomUUID(), "brief", List.of(user("hi"), assistant("hello")));

    Conversations.Plan edited = conversations.plan("brief", List.of(user("hi"), assistant("HELLO"), user("more")));
    assertThat(edited.continues()).isFalse();
    assertThat(edited.prompt()).contains("User: hi").contains("Assistant: HELLO").endsWith("more");
    assertThat(conversations.plan("verbose", List.of(user("hi"), assistant("hello"), user("more"))).continues())
        .isFalse();
    assertThat(conversations.plan(null, List.of(user("hi"), assistant("hello"), user("more"))).continues()).isFalse();
  }

  @Test
  void theChainSeparatesRolesAndBoundaries() {
    // "ab" + "c" and "a" + "bc" are different conversations; so are the same texts with other roles.
    assertThat(Conversations.hash(null, List.of(user("ab"), assistant("c"))))
        .isNotEqualTo(Conversations.hash(null, List.of(user("a"), assistant("bc"))));
    assertThat(Conversations.hash(null, List.of(user("x"), assistant("y"))))
        .isNotEqualTo(Conversations.hash(null, List.of(assistant("x"), user("y"))));
    assertThat(Conversations.hash("s", List.of(user("x")))).isEqualTo(Conversations.hash("s", List.of(user("x"))));
  }

  @Test
  void theLeastRecentlyUsedConversationsAreForgottenBeyondTheCapacity() {
    Conversations conversations = new Conversations(2);
    UUID a = UUID.randomUUID();
    conversations.remember(a, null, List.of(user("a"), assistant("1")));
    conversations.remember(UUID.randomUUID(), null, List.of(user("b"), assistant("2")));
    assertThat(conversations.plan(null, List.of(user("a"), assistant("1"), user("again"))).sessionId()).isEqualTo(a);
    conversations.remember(UUID.randomUUID(), null, List.of(user("c"), assistant("3")));
    assertThat(conversations.size()).isEqualTo(2);
    assertThat(conversations.plan(null, List.of(user("a"), assistant("1"), user("again"))).sessionId()).isEqualTo(a);
    assertThat(conversations.plan(null, List.of(user("b"), assistant("2"), user("again"))).continues()).isFalse();
  }

  @Test
  void aRequestMustEndWithTheUsersMessage() {
    Conversations conversations = new Conversations();
    assertThatThrownBy(() -> conversations.plan(null, List.of())).hasMessageContaining("messages is empty");
    assertThatThrownBy(() -> conversations.plan(null, List.of(user("q"), assistant("a"))))
        .hasMessageContaining("the last message must be the user's");
    assertThatThrownBy(() -> conversations.plan(null, List.of(user(" ")))).hasMessageContaining("no text");
    assertThatThrownBy(() -> new ChatMessage("system", "x")).isInstanceOf(IllegalArgumentException.class);
  }
}
