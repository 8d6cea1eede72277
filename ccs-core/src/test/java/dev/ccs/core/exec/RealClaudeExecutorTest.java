package dev.ccs.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.process.Processes;
import dev.ccs.core.protocol.AssistantMessage;
import dev.ccs.core.protocol.ClaudeEvent;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.protocol.StreamEvent;
import dev.ccs.core.protocol.SystemInit;
import dev.ccs.core.protocol.UserMessage;
import dev.ccs.testkit.MockAnthropic;
import dev.ccs.testkit.RealClaude;
import dev.ccs.testkit.RecordedRequest;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The executor against the real, pinned CLI and a mock Messages API: every trap the executor relies on. */
@Tag("real-cli")
@Timeout(120)
class RealClaudeExecutorTest {

  @TempDir
  Path temp;

  private MockAnthropic mock;
  private ClaudeExecutor executor;
  private Path workDir;

  @BeforeEach
  void setUp() throws Exception {
    Path claude = RealClaude.executable();
    mock = MockAnthropic.start();
    workDir = Files.createDirectories(temp.resolve("work"));
    executor = ClaudeExecutor.builder(claude.toString())
        .baseEnvironment(RealClaude.environment(temp.resolve("home"), mock))
        .killGrace(Duration.ofSeconds(5))
        .build();
  }

  @AfterEach
  void tearDown() {
    executor.close();
    mock.close();
  }

  private ClaudeRequest.Builder request(String prompt) {
    return ClaudeRequest.builder(prompt, workDir);
  }

  @Test
  void jsonResult() {
    RunOutcome outcome = executor.run(request("say hi [[mock:text=PONG-json]]").build());

    assertThat(outcome.status()).as(outcome.message() + " " + outcome.stderrTail()).isEqualTo(RunStatus.SUCCEEDED);
    ResultMessage result = outcome.result();
    assertThat(result.result()).isEqualTo("PONG-json");
    assertThat(result.isError()).isFalse();
    assertThat(result.totalCostUsd()).isPositive();
    assertThat(result.usage().inputTokens()).isEqualTo(12);
    assertThat(result.usage().outputTokens()).isEqualTo(5);
    assertThat(result.numTurns()).isEqualTo(1);
    assertThat(result.modelUsage()).isNotEmpty();
    assertThat(outcome.cliSessionId()).isNotBlank();

    RecordedRequest call = mock.takeMessagesRequest();
    assertThat(call.headers()).containsEntry("x-api-key", "test-key");
    assertThat(call.body().path("stream").asBoolean()).isTrue();
    assertThat(call.messageTexts("user")).anyMatch(t -> t.contains("say hi [[mock:text=PONG-json]]"));
  }

  @Test
  void promptOnStdinIsNotSwallowedByVariadicFlagsAndMayStartWithADash() {
    RunOutcome outcome = executor.run(request("-dash first [[mock:echo]]")
        .allowedTools(List.of("Read", "Bash(echo:*)")).disallowedTools(List.of("Write")).build());

    assertThat(outcome.status()).as(outcome.message()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(outcome.result().result()).isEqualTo("-dash first");
  }

  @Test
  void streamJsonWithABashToolLoop() {
    List<ClaudeEvent> events = new CopyOnWriteArrayList<>();
    RunOutcome outcome = executor.run(request("run it [[mock:bash=echo hi-from-tool]]")
        .outputFormat(OutputFormat.STREAM_JSON).build(), events::add);

    assertThat(outcome.status()).as(outcome.message() + " " + outcome.stderrTail()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(events.get(0)).isInstanceOf(SystemInit.class);
    assertThat(((SystemInit) events.get(0)).claudeCodeVersion()).isEqualTo(RealClaude.VERSION);
    assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(AssistantMessage.class,
        a -> assertThat(a.content().toString()).contains("tool_use").contains("echo hi-from-tool")));
    assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(UserMessage.class,
        u -> assertThat(u.rawLine()).contains("tool_result").contains("hi-from-tool")));
    assertThat(events.get(events.size() - 1)).isInstanceOf(ResultMessage.class);
    assertThat(outcome.result().result()).isEqualTo("Tool result was: hi-from-tool");
    assertThat(outcome.result().numTurns()).isEqualTo(2);
    assertThat(mock.messagesRequests()).hasSize(2);
  }

  @Test
  void sessionIdThenResumeCarriesTheFirstTurnAndTheCostIsCumulative() {
    UUID session = UUID.randomUUID();
    RunOutcome first = executor.run(request("first question [[mock:text=first answer]]").newSession(session).build());
    assertThat(first.status()).as(first.message() + " " + first.stderrTail()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(first.cliSessionId()).isEqualTo(session.toString());

    RunOutcome second = executor.run(request("second question [[mock:text=second answer]]").resumeSession(session).build());
    assertThat(second.status()).as(second.message() + " " + second.stderrTail()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(second.cliSessionId()).isEqualTo(session.toString());
    assertThat(second.result().result()).isEqualTo("second answer");

    List<RecordedRequest> calls = mock.messagesRequests();
    RecordedRequest resumed = calls.get(calls.size() - 1);
    assertThat(resumed.messageTexts("user")).anyMatch(t -> t.contains("first question"));
    assertThat(resumed.messageTexts("assistant")).contains("first answer");
    assertThat(resumed.messageTexts("user")).anyMatch(t -> t.contains("second question"));
    // total_cost_usd is a running total of the CLI session.
    assertThat(second.totalCostUsd()).isEqualByComparingTo(first.totalCostUsd().multiply(BigDecimal.valueOf(2)));
  }

  @Test
  void resumingAnUnknownSessionIsACrashWithTheCliMessage() {
    UUID unknown = UUID.randomUUID();
    RunOutcome outcome = executor.run(request("hello").resumeSession(unknown).build());

    assertThat(outcome.status()).isNotEqualTo(RunStatus.SUCCEEDED);
    assertThat(outcome.message() + outcome.stderrTail()).contains("No conversation found with session ID: " + unknown);
  }

  @Test
  void maxTurnsIsAnErrorResult() {
    RunOutcome outcome = executor.run(request("loop [[mock:bash=echo again]]").maxTurns(1).build());

    assertThat(outcome.status()).isEqualTo(RunStatus.ERROR_RESULT);
    assertThat(outcome.result().subtype()).isEqualTo("error_max_turns");
    assertThat(outcome.exitCode()).isEqualTo(1);
    assertThat(outcome.message()).contains("maximum number of turns (1)");
  }

  @Test
  void maxBudgetExhaustionIsAnErrorResultThatStillCarriesTheCost() {
    RunOutcome outcome = executor.run(request("spend [[mock:usage=1000000,100000]] [[mock:bash=echo hi]]")
        .maxBudgetUsd(new BigDecimal("0.01")).build());

    assertThat(outcome.status()).isEqualTo(RunStatus.ERROR_RESULT);
    assertThat(outcome.result().subtype()).isEqualTo("error_max_budget_usd");
    assertThat(outcome.result().totalCostUsd()).isGreaterThan(new BigDecimal("0.01"));
    assertThat(outcome.message()).contains("maximum budget");
  }

  @Test
  void apiOverloadIsAnErrorAlthoughTheSubtypeSaysSuccess() {
    RunOutcome outcome = executor.run(request("x [[mock:error=529]]").build());

    assertThat(outcome.status()).isEqualTo(RunStatus.ERROR_RESULT);
    assertThat(outcome.result().subtype()).isEqualTo("success");
    assertThat(outcome.result().isError()).isTrue();
    assertThat(outcome.result().apiErrorStatus()).isEqualTo(529);
    assertThat(outcome.message()).contains("529");
  }

  @Test
  void cancelMidStreamLeavesNoProcessBehind() throws Exception {
    List<ClaudeEvent> events = new CopyOnWriteArrayList<>();
    CountDownLatch streaming = new CountDownLatch(1);
    ClaudeRun run = executor.newRun(request("slow [[mock:slow=20]] [[mock:text=abcdefghijklmnopqrstuvwxyz]]")
        .outputFormat(OutputFormat.STREAM_JSON).includePartialMessages(true).build(), event -> {
          events.add(event);
          if (event instanceof StreamEvent stream && stream.textDelta() != null) {
            streaming.countDown();
          }
        });
    run.start();
    assertThat(streaming.await(60, TimeUnit.SECONDS)).isTrue();
    long pid = run.pid();
    List<ProcessHandle> tree = ProcessHandle.of(pid).orElseThrow().descendants().toList();

    assertThat(run.cancel()).isTrue();
    RunOutcome outcome = run.outcome().get(60, TimeUnit.SECONDS);

    assertThat(outcome.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(outcome.result()).isNull();
    assertThat(Processes.isRunning(pid)).isFalse();
    assertThat(tree).noneMatch(Processes::isRunning);
    assertThat(events).noneMatch(e -> e instanceof ResultMessage);
    assertThat(mock.streamsFinished()).isZero();
  }

  @Test
  void timeoutOfARealRunTerminatesIt() {
    RunOutcome outcome = executor.run(request("slow [[mock:slow=30]] [[mock:text=abcdefghij]]")
        .timeout(Duration.ofSeconds(3)).build());

    assertThat(outcome.status()).isEqualTo(RunStatus.TIMED_OUT);
    assertThat(outcome.result()).isNull();
    assertThat(outcome.duration()).isLessThan(Duration.ofSeconds(15));
  }
}
