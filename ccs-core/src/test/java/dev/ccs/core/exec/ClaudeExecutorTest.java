package dev.ccs.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.process.Processes;
import dev.ccs.core.protocol.AssistantMessage;
import dev.ccs.core.protocol.ClaudeEvent;
import dev.ccs.core.protocol.NonJsonLine;
import dev.ccs.core.protocol.ResultMessage;
import dev.ccs.core.protocol.SystemInit;
import dev.ccs.core.protocol.UnknownEvent;
import dev.ccs.core.testing.ManualScheduler;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import dev.ccs.testkit.Invocation;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ClaudeExecutorTest {

  @TempDir
  Path temp;

  private FakeClaude fake;
  private Path workDir;
  private ClaudeExecutor executor;

  @BeforeEach
  void setUp() throws Exception {
    fake = FakeClaude.create(temp);
    workDir = Files.createDirectories(temp.resolve("work"));
    executor = executor(b -> { });
  }

  @AfterEach
  void tearDown() {
    executor.close();
  }

  private ClaudeExecutor executor(java.util.function.Consumer<ClaudeExecutor.Builder> customizer) {
    ClaudeExecutor.Builder builder = ClaudeExecutor.builder(fake.executable().toString())
        .baseEnvironment(Map.of("PATH", System.getenv("PATH"), "BASE_VAR", "base"))
        .killGrace(Duration.ofSeconds(2))
        .drainGrace(Duration.ofMillis(300));
    customizer.accept(builder);
    return builder.build();
  }

  private ClaudeRequest.Builder request(String prompt) {
    return ClaudeRequest.builder(prompt, workDir);
  }

  @Test
  void successfulJsonRunIsTypedAndThePromptGoesOnStdin() throws Exception {
    fake.enqueue(FakeReply.script().line(FakeReply.resultLine("11111111-2222-3333-4444-555555555555",
        "Hello there", "0.00014800000000000002", false, "success")));

    RunOutcome outcome = executor.run(request("--looks like a flag").build());

    assertThat(outcome.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.message()).isNull();
    ResultMessage result = outcome.result();
    assertThat(result.result()).isEqualTo("Hello there");
    assertThat(result.totalCostUsd()).isEqualByComparingTo("0.000148");
    assertThat(result.totalCostUsd().toPlainString()).isEqualTo("0.000148");
    assertThat(result.usage().inputTokens()).isEqualTo(12);
    assertThat(result.usage().cacheReadInputTokens()).isEqualTo(100);
    assertThat(result.usage().cacheCreationInputTokens()).isEqualTo(3);
    assertThat(result.numTurns()).isEqualTo(1);
    assertThat(outcome.cliSessionId()).isEqualTo("11111111-2222-3333-4444-555555555555");

    Invocation call = fake.takeInvocation();
    assertThat(call.stdin()).isEqualTo("--looks like a flag");
    assertThat(call.args()).containsExactly("-p", "--output-format=json");
    assertThat(call.cwd()).isEqualTo(workDir.toRealPath());
    assertThat(call.env()).containsEntry("BASE_VAR", "base");
  }

  @Test
  void everyOptionBecomesItsFlag() throws Exception {
    UUID session = UUID.randomUUID();
    ClaudeRequest req = request("hi")
        .outputFormat(OutputFormat.STREAM_JSON)
        .includePartialMessages(true)
        .resumeSession(session)
        .model("claude-sonnet-4-5")
        .systemPrompt("-be terse")
        .appendSystemPrompt("extra")
        .maxTurns(3)
        .maxBudgetUsd(new BigDecimal("0.50"))
        .allowedTools(List.of("Read", "Bash(git:*)"))
        .disallowedTools(List.of("Write"))
        .mcpConfigs(List.of("/etc/mcp.json"))
        .strictMcpConfig(true)
        .permissionMode(PermissionMode.ACCEPT_EDITS)
        .agent("reviewer")
        .putEnvironment("ANTHROPIC_API_KEY", "sk-secret-value")
        .build();
    fake.enqueue(FakeReply.success("ok", "0.01"));

    executor.run(req);

    Invocation call = fake.takeInvocation();
    assertThat(call.args()).containsExactly("-p", "--output-format=stream-json", "--verbose",
        "--include-partial-messages", "--resume=" + session, "--model=claude-sonnet-4-5",
        "--system-prompt=-be terse", "--append-system-prompt=extra", "--max-turns=3", "--max-budget-usd=0.50",
        "--allowedTools=Read,Bash(git:*)", "--disallowedTools=Write", "--mcp-config=/etc/mcp.json",
        "--strict-mcp-config", "--permission-mode=acceptEdits", "--agent=reviewer");
    assertThat(call.env()).containsEntry("ANTHROPIC_API_KEY", "sk-secret-value");
    assertThat(call.stdin()).isEqualTo("hi");
  }

  @Test
  void newSessionUsesSessionIdFlag() {
    UUID session = UUID.randomUUID();
    RunOutcome outcome = executor.run(request("hello").newSession(session).build());

    assertThat(outcome.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(fake.takeInvocation().args()).contains("--session-id=" + session);
    assertThat(outcome.cliSessionId()).isEqualTo(session.toString());
    assertThat(outcome.result().result()).isEqualTo("Echo: hello");
  }

  @Test
  void streamJsonEventsArriveInOrderAndUnknownTypesAreKept() {
    String sid = UUID.randomUUID().toString();
    fake.enqueue(FakeReply.script()
        .line(FakeReply.initLine(sid))
        .line("{\"type\":\"rate_limit_event\",\"rate_limit_info\":{\"status\":\"allowed\"},\"session_id\":\"" + sid + "\"}")
        .line("[SandboxDebug] not json")
        .line(FakeReply.assistantLine(sid, "partial answer"))
        .line(FakeReply.resultLine(sid, "final", "0.02", false, "success")));
    List<ClaudeEvent> events = new CopyOnWriteArrayList<>();

    RunOutcome outcome = executor.run(request("go").outputFormat(OutputFormat.STREAM_JSON).build(), events::add);

    assertThat(outcome.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(events).hasSize(5);
    assertThat(events.get(0)).isInstanceOf(SystemInit.class);
    assertThat(((SystemInit) events.get(0)).claudeCodeVersion()).isEqualTo(FakeClaude.VERSION);
    assertThat(events.get(1)).isInstanceOf(UnknownEvent.class);
    assertThat(events.get(1).type()).isEqualTo("rate_limit_event");
    assertThat(events.get(1).json().at("/rate_limit_info/status").asText()).isEqualTo("allowed");
    assertThat(events.get(2)).isInstanceOf(NonJsonLine.class);
    assertThat(events.get(2).rawLine()).isEqualTo("[SandboxDebug] not json");
    assertThat(((AssistantMessage) events.get(3)).text()).isEqualTo("partial answer");
    assertThat(events.get(4)).isInstanceOf(ResultMessage.class);
    assertThat(outcome.cliSessionId()).isEqualTo(sid);
  }

  @Test
  void apiErrorReportedAsSuccessSubtypeIsAnErrorResult() {
    String sid = UUID.randomUUID().toString();
    String line = "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"api_error_status\":529,"
        + "\"api_error_type\":\"overloaded_error\",\"terminal_reason\":\"api_error\","
        + "\"result\":\"API Error: 529 overloaded\",\"session_id\":\"" + sid + "\",\"total_cost_usd\":0,"
        + "\"usage\":{\"input_tokens\":0,\"output_tokens\":0},\"num_turns\":1}";
    fake.enqueue(FakeReply.script().line(line).exitCode(1));

    RunOutcome outcome = executor.run(request("x").build());

    assertThat(outcome.status()).isEqualTo(RunStatus.ERROR_RESULT);
    assertThat(outcome.exitCode()).isEqualTo(1);
    assertThat(outcome.message()).isEqualTo("API Error: 529 overloaded");
    assertThat(outcome.result().apiErrorStatus()).isEqualTo(529);
    assertThat(outcome.result().subtype()).isEqualTo("success");
    assertThat(outcome.result().terminalReason()).isEqualTo("api_error");
  }

  @Test
  void exitWithoutResultIsACrashWithTheLastStderrLine() {
    fake.enqueue(FakeReply.script().stderr("some noise").stderr("Error: Session ID abc is already in use.").exitCode(1));

    RunOutcome outcome = executor.run(request("x").build());

    assertThat(outcome.status()).isEqualTo(RunStatus.CRASHED);
    assertThat(outcome.exitCode()).isEqualTo(1);
    assertThat(outcome.result()).isNull();
    assertThat(outcome.message()).isEqualTo(
        "Claude CLI exited with code 1 without a result: Error: Session ID abc is already in use.");
    assertThat(outcome.stderrTail()).contains("some noise");
  }

  @Test
  void crashMidStreamKeepsWhatWasPrintedAndIsACrash() {
    String sid = UUID.randomUUID().toString();
    fake.enqueue(FakeReply.script().line(FakeReply.initLine(sid)).partialLine("{\"type\":\"assist").crash(134));
    List<ClaudeEvent> events = new CopyOnWriteArrayList<>();

    RunOutcome outcome = executor.run(request("x").outputFormat(OutputFormat.STREAM_JSON).build(), events::add);

    assertThat(outcome.status()).isEqualTo(RunStatus.CRASHED);
    assertThat(outcome.exitCode()).isEqualTo(134);
    assertThat(events).hasSize(2);
    assertThat(events.get(1)).isInstanceOf(NonJsonLine.class);
    assertThat(events.get(1).rawLine()).isEqualTo("{\"type\":\"assist");
  }

  @Test
  void hugeLinesParseWhole() {
    String sid = UUID.randomUUID().toString();
    fake.enqueue(FakeReply.script().hugeLine(5_000_000).line(FakeReply.resultLine(sid, "done", "0.01", false, "success")));
    List<ClaudeEvent> events = new CopyOnWriteArrayList<>();

    RunOutcome outcome = executor.run(request("x").outputFormat(OutputFormat.STREAM_JSON).build(), events::add);

    assertThat(outcome.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(((AssistantMessage) events.get(0)).text()).hasSize(5_000_000);
  }

  @Test
  void largePromptsArriveWhole() {
    String prompt = "0123456789".repeat(200_000);
    RunOutcome outcome = executor.run(request(prompt).build());

    assertThat(outcome.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(fake.takeInvocation().stdin()).isEqualTo(prompt);
  }

  @Test
  void timeoutTerminatesTheProcessAndReportsTimedOut() throws Exception {
    ManualScheduler scheduler = new ManualScheduler();
    executor.close();
    executor = executor(b -> b.scheduler(scheduler).defaultTimeout(Duration.ofSeconds(30)));
    fake.enqueue(FakeReply.script().line(FakeReply.initLine(UUID.randomUUID().toString())).hang());
    CountDownLatch started = new CountDownLatch(1);
    ClaudeRun run = executor.newRun(request("x").outputFormat(OutputFormat.STREAM_JSON).build(), event -> started.countDown());
    run.start();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    long pid = run.pid();

    scheduler.advance(Duration.ofSeconds(29));
    assertThat(run.outcome()).isNotDone();
    scheduler.advance(Duration.ofSeconds(1));

    RunOutcome outcome = run.outcome().get(30, TimeUnit.SECONDS);
    assertThat(outcome.status()).isEqualTo(RunStatus.TIMED_OUT);
    assertThat(outcome.message()).isEqualTo("Claude CLI timed out after 30000 ms");
    assertThat(outcome.exitCode()).isEqualTo(143);
    assertThat(Processes.isRunning(pid)).isFalse();
    assertThat(executor.liveRuns()).isEmpty();
  }

  @Test
  void cancelMidStreamStopsEventsAndKillsTheProcess() throws Exception {
    String sid = UUID.randomUUID().toString();
    fake.enqueue(FakeReply.script().line(FakeReply.initLine(sid)).sleep(60_000)
        .line(FakeReply.resultLine(sid, "too late", "0.01", false, "success")));
    List<ClaudeEvent> events = new CopyOnWriteArrayList<>();
    CountDownLatch started = new CountDownLatch(1);
    ClaudeRun run = executor.newRun(request("x").outputFormat(OutputFormat.STREAM_JSON).build(), event -> {
      events.add(event);
      started.countDown();
    });
    run.start();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    assertThat(run.cancel()).isTrue();
    RunOutcome outcome = run.outcome().get(30, TimeUnit.SECONDS);

    assertThat(outcome.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(outcome.result()).isNull();
    assertThat(events).hasSize(1);
    assertThat(run.cancel()).isFalse();
    assertThat(Processes.isRunning(fake.takeInvocation().pid())).isFalse();
  }

  @Test
  void aProcessThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
    ManualScheduler scheduler = new ManualScheduler();
    executor.close();
    executor = executor(b -> b.scheduler(scheduler).killGrace(Duration.ofSeconds(5)));
    fake.enqueue(FakeReply.script().ignoreSigterm().line(FakeReply.initLine(UUID.randomUUID().toString())).hang());
    CountDownLatch started = new CountDownLatch(1);
    ClaudeRun run = executor.newRun(request("x").outputFormat(OutputFormat.STREAM_JSON).build(), e -> started.countDown());
    run.start();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    fake.awaitSigtermIgnored(1);

    run.cancel();
    Thread.sleep(300); // SIGTERM is ignored: the process must still be alive
    assertThat(run.outcome()).isNotDone();
    assertThat(Processes.isRunning(run.pid())).isTrue();

    scheduler.advance(Duration.ofSeconds(5));
    RunOutcome outcome = run.outcome().get(30, TimeUnit.SECONDS);
    assertThat(outcome.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(outcome.exitCode()).isEqualTo(137);
  }

  @Test
  void aGrandchildHoldingThePipesDoesNotHangTheRunAndDoesNotSurviveIt() throws Exception {
    String sid = UUID.randomUUID().toString();
    fake.enqueue(FakeReply.script().grandchild(120).line(FakeReply.resultLine(sid, "done", "0.01", false, "success")));

    RunOutcome outcome = executor.newRun(request("x").build(), RunListener.NONE).start().get(30, TimeUnit.SECONDS);

    assertThat(outcome.status()).isEqualTo(RunStatus.SUCCEEDED);
    long grandchild = fake.grandchildPid(1).orElseThrow();
    // Killed with the run's process group: the signal is sent before the outcome, but on a loaded
    // sandbox the kernel may show the process for a moment longer (CI saw it once).
    assertThat(ProcessHandle.of(grandchild).map(h -> Processes.awaitExit(h, Duration.ofSeconds(5))).orElse(true))
        .as("the grandchild does not survive the run").isTrue();
  }

  @Test
  void aBackgroundProcessLeftBehindIsEndedByTheSweep() throws Exception {
    String sid = UUID.randomUUID().toString();
    fake.enqueue(FakeReply.script().orphan(120).line(FakeReply.resultLine(sid, "done", "0.01", false, "success")));

    RunOutcome outcome = executor.run(request("x").build());

    assertThat(outcome.status()).isEqualTo(RunStatus.SUCCEEDED);
    long orphan = fake.grandchildPid(1).orElseThrow();
    assertThat(Processes.isRunning(orphan)).isTrue();
    assertThat(executor.sweepOrphans()).isEqualTo(1);
    assertThat(Processes.awaitExit(ProcessHandle.of(orphan).orElseThrow(), Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void theSweepLeavesLiveRunsAndOtherOwnersAlone() throws Exception {
    fake.enqueue(FakeReply.script().orphan(120).line(FakeReply.initLine(UUID.randomUUID().toString())).hang());
    CountDownLatch started = new CountDownLatch(1);
    ClaudeRun run = executor.newRun(request("x").outputFormat(OutputFormat.STREAM_JSON).build(), e -> started.countDown());
    run.start();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    long orphan = fake.grandchildPid(1).orElseThrow();
    try (ClaudeExecutor other = ClaudeExecutor.builder(fake.executable().toString()).build()) {
      assertThat(other.sweepOrphans()).isZero();
    }

    assertThat(executor.sweepOrphans()).isZero();
    assertThat(Processes.isRunning(orphan)).isTrue();
    assertThat(Processes.isRunning(run.pid())).isTrue();

    run.cancel();
    run.outcome().get(30, TimeUnit.SECONDS);
    assertThat(Processes.isRunning(orphan)).isFalse();
  }

  @Test
  void sweepsWhileRunsStartNeverTakeALiveRunForALeftover() throws Exception {
    List<ClaudeRun> runs = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      runs.add(executor.newRun(request("p" + i).build(), RunListener.NONE));
    }
    java.util.concurrent.atomic.AtomicBoolean sweeping = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread sweeper = new Thread(() -> {
      while (sweeping.get()) {
        executor.sweepOrphans();
      }
    });
    sweeper.start();
    try {
      runs.forEach(ClaudeRun::start);
      for (ClaudeRun run : runs) {
        RunOutcome outcome = run.outcome().get(60, TimeUnit.SECONDS);
        assertThat(outcome.status()).as(outcome.message() + " " + outcome.stderrTail()).isEqualTo(RunStatus.SUCCEEDED);
      }
    } finally {
      sweeping.set(false);
      sweeper.join();
    }
  }

  @Test
  void runsAreTaggedForTheirLeftoversToBeFound() {
    executor.run(request("x").build());

    Invocation call = fake.takeInvocation();
    assertThat(call.env()).containsEntry("CCS_OWNER", executor.owner()).containsKey("CCS_RUN_ID");
  }

  @Test
  void aCliLingeringAfterItsResultIsEndedButTheResultStands() throws Exception {
    ManualScheduler scheduler = new ManualScheduler();
    executor.close();
    executor = executor(b -> b.scheduler(scheduler).exitGrace(Duration.ofSeconds(10)));
    String sid = UUID.randomUUID().toString();
    fake.enqueue(FakeReply.script().line(FakeReply.resultLine(sid, "answer", "0.01", false, "success")).hang());
    CountDownLatch gotResult = new CountDownLatch(1);
    ClaudeRun run = executor.newRun(request("x").build(), e -> gotResult.countDown());
    run.start();
    assertThat(gotResult.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(run.cancel()).isFalse();

    scheduler.advance(Duration.ofSeconds(10));

    RunOutcome outcome = run.outcome().get(30, TimeUnit.SECONDS);
    assertThat(outcome.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(outcome.result().result()).isEqualTo("answer");
  }

  @Test
  void cancelledBeforeStartNeverSpawns() {
    ClaudeRun run = executor.newRun(request("x").build(), RunListener.NONE);
    assertThat(run.cancel()).isTrue();

    RunOutcome outcome = run.execute();

    assertThat(outcome.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(outcome.exitCode()).isNull();
    assertThat(fake.invocationCount()).isZero();
  }

  @Test
  void missingCliFailsToStartWithAnInstallHint() {
    try (ClaudeExecutor missing = ClaudeExecutor.builder("claude-does-not-exist")
        .baseEnvironment(Map.of("PATH", "/usr/bin:/bin")).build()) {
      RunOutcome outcome = missing.run(request("x").build());

      assertThat(outcome.status()).isEqualTo(RunStatus.START_FAILED);
      assertThat(outcome.message()).contains("\"claude-does-not-exist\" not found on the server's PATH")
          .contains("npm install -g @anthropic-ai/claude-code");
    }
    try (ClaudeExecutor missing = ClaudeExecutor.builder("/opt/nowhere/claude").build()) {
      RunOutcome outcome = missing.run(request("x").build());
      assertThat(outcome.status()).isEqualTo(RunStatus.START_FAILED);
      assertThat(outcome.message()).startsWith("Claude CLI not found at \"/opt/nowhere/claude\"");
    }
  }

  @Test
  void secretsAreRedactedFromStderrAndMessages() {
    fake.enqueue(FakeReply.script().stderr("auth failed for key sk-ant-very-secret-1234").exitCode(1));

    RunOutcome outcome = executor.run(request("x").putEnvironment("ANTHROPIC_API_KEY", "sk-ant-very-secret-1234").build());

    assertThat(outcome.stderrTail()).doesNotContain("sk-ant-very-secret-1234").contains("auth failed for key ***");
    assertThat(outcome.message()).doesNotContain("sk-ant-very-secret-1234");
  }

  @Test
  void inheritedEnvironmentDropsClaudeCodeMarker() {
    assertThat(ClaudeExecutor.inheritedEnvironment()).doesNotContainKey("CLAUDECODE");
  }

  @Test
  void linesReachTheListenerAsTheyArePrinted() throws Exception {
    String sid = UUID.randomUUID().toString();
    fake.enqueue(FakeReply.script().line(FakeReply.initLine(sid)).sleep(2_000)
        .line(FakeReply.resultLine(sid, "done", "0.01", false, "success")));
    CountDownLatch first = new CountDownLatch(1);
    ClaudeRun run = executor.newRun(request("x").outputFormat(OutputFormat.STREAM_JSON).build(), e -> first.countDown());
    run.start();

    assertThat(first.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(run.outcome()).isNotDone();
    assertThat(run.outcome().get(30, TimeUnit.SECONDS).status()).isEqualTo(RunStatus.SUCCEEDED);
  }

  @Test
  void concurrentRunsDoNotInterfere() throws Exception {
    List<ClaudeRun> runs = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      runs.add(executor.newRun(request("prompt " + i).build(), RunListener.NONE));
    }
    runs.forEach(ClaudeRun::start);
    for (int i = 0; i < runs.size(); i++) {
      RunOutcome outcome = runs.get(i).outcome().get(60, TimeUnit.SECONDS);
      assertThat(outcome.result().result()).isEqualTo("Echo: prompt " + i);
    }
  }
}
