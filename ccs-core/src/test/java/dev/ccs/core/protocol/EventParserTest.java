package dev.ccs.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing recorded output of the real CLI (src/test/resources/fixtures). */
class EventParserTest {

  private static List<ClaudeEvent> fixture(String name) throws IOException {
    try (InputStream in = EventParserTest.class.getResourceAsStream("/fixtures/" + name + ".jsonl")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(EventParser::parse).toList();
    }
  }

  @Test
  void jsonResultOf2_1_330() throws IOException {
    ResultMessage result = (ResultMessage) fixture("json1").get(0);

    assertThat(result.isError()).isFalse();
    assertThat(result.failed()).isFalse();
    assertThat(result.subtype()).isEqualTo("success");
    assertThat(result.result()).isEqualTo("Hello from mock");
    assertThat(result.sessionId()).isEqualTo("562ad324-b5ce-4de9-b04d-b0c35d78a747");
    // The CLI prints 0.00014800000000000002; the float noise is gone.
    assertThat(result.totalCostUsd().toPlainString()).isEqualTo("0.000148");
    assertThat(result.usage()).isEqualTo(new Usage(12, 5, 0, 0));
    assertThat(result.numTurns()).isEqualTo(1);
    assertThat(result.modelUsage()).containsKey("claude-opus-5-5");
    assertThat(result.modelUsage().get("claude-opus-5-5").costUsd()).isEqualByComparingTo("0.000148");
    assertThat(result.model()).isEqualTo("claude-opus-5-5");
    assertThat(result.terminalReason()).isEqualTo("completed");
    assertThat(result.apiErrorStatus()).isNull();
    assertThat(result.permissionDenials()).isEmpty();
    // Fields ccs does not model are kept.
    assertThat(result.json().has("ttft_ms")).isTrue();
  }

  @Test
  void keyOrderOfOlderCliDoesNotMatter() throws IOException {
    ResultMessage result = (ResultMessage) fixture("v197_json").get(0);

    assertThat(result.result()).isEqualTo("Hello from mock");
    assertThat(result.failed()).isFalse();
  }

  @Test
  void apiErrorIsAFailureDespiteItsSubtype() throws IOException {
    ResultMessage result = (ResultMessage) fixture("err529").get(0);

    assertThat(result.subtype()).isEqualTo("success");
    assertThat(result.isError()).isTrue();
    assertThat(result.failed()).isTrue();
    assertThat(result.apiErrorStatus()).isEqualTo(529);
    assertThat(result.apiErrorType()).isEqualTo("overloaded_error");
    assertThat(result.errorMessage()).startsWith("API Error: 529");
  }

  @Test
  void budgetExhaustionKeepsItsCost() throws IOException {
    ResultMessage result = (ResultMessage) fixture("budget_exceeded").get(0);

    assertThat(result.subtype()).isEqualTo("error_max_budget_usd");
    assertThat(result.failed()).isTrue();
    assertThat(result.totalCostUsd()).isEqualByComparingTo("6");
    assertThat(result.usage()).isEqualTo(Usage.ZERO);
    assertThat(result.errorMessage()).isEqualTo("Reached maximum budget ($0.01)");
  }

  @Test
  void streamJsonToolLoop() throws IOException {
    List<ClaudeEvent> events = fixture("tool_default");

    assertThat(events).extracting(ClaudeEvent::type).containsExactly("system", "assistant", "user", "assistant", "result");
    SystemInit init = (SystemInit) events.get(0);
    assertThat(init.claudeCodeVersion()).isEqualTo("2.1.330");
    assertThat(init.tools()).contains("Bash", "Read");
    assertThat(init.sessionId()).isEqualTo("60a2dfc4-bd32-4524-b352-400a9b359ae7");
    AssistantMessage toolUse = (AssistantMessage) events.get(1);
    assertThat(toolUse.text()).isEmpty();
    assertThat(toolUse.content().get(0).path("name").asText()).isEqualTo("Bash");
    assertThat(((AssistantMessage) events.get(3)).text()).isEqualTo("Tool result was: hi");
    assertThat(((ResultMessage) events.get(4)).numTurns()).isEqualTo(2);
  }

  @Test
  void interruptedRunIsAnErrorDuringExecution() throws IOException {
    ResultMessage result = (ResultMessage) fixture("sigint_sj").get(3);

    assertThat(result.subtype()).isEqualTo("error_during_execution");
    assertThat(result.failed()).isTrue();
    assertThat(result.terminalReason()).isEqualTo("aborted_streaming");
  }

  @Test
  void oddLinesAreKeptNotFatal() {
    assertThat(EventParser.parse("[SandboxDebug] hello")).isInstanceOf(NonJsonLine.class);
    assertThat(EventParser.parse("{\"type\":\"result\",")).isInstanceOf(NonJsonLine.class);
    assertThat(EventParser.parse("[1,2]")).isInstanceOf(NonJsonLine.class);
    assertThat(EventParser.parse("{\"no_type\":1}")).isInstanceOf(UnknownEvent.class);
    ClaudeEvent future = EventParser.parse("{\"type\":\"conversation_reset\",\"x\":1}");
    assertThat(future).isInstanceOf(UnknownEvent.class);
    assertThat(future.type()).isEqualTo("conversation_reset");
    assertThat(EventParser.parse("{\"type\":\"system\",\"subtype\":\"api_retry\",\"attempt\":1}"))
        .isInstanceOfSatisfying(SystemEvent.class, e -> assertThat(e.subtype()).isEqualTo("api_retry"));
    assertThat(EventParser.parse("{\"type\":\"stream_event\",\"event\":{\"type\":\"content_block_delta\","
        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"hi\"}}}"))
        .isInstanceOfSatisfying(StreamEvent.class, e -> {
          assertThat(e.eventType()).isEqualTo("content_block_delta");
          assertThat(e.textDelta()).isEqualTo("hi");
        });
  }

  @Test
  void olderErrorSubtypesWithoutIsErrorStillFail() {
    ResultMessage result = (ResultMessage) EventParser.parse(
        "{\"type\":\"result\",\"subtype\":\"error_max_turns\",\"is_error\":false,\"num_turns\":3}");

    assertThat(result.failed()).isTrue();
    assertThat(result.errorMessage()).isEqualTo("Claude CLI reported error_max_turns");
  }
}
