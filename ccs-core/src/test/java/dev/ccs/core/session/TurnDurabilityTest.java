package dev.ccs.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.message.MessageResult;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.store.FileStorage;
import dev.ccs.testkit.FakeClaude;
import dev.ccs.testkit.FakeReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a turn's durable write happens: the part that does not depend on the answer (a new log's
 * directory entry) while the CLI works, the answer as soon as the result line has decided the
 * turn, while the CLI is still exiting. Either way it is on disk before the caller is answered.
 */
@Timeout(60)
class TurnDurabilityTest {

  @TempDir
  Path temp;

  private FakeClaude fake;

  private Ccs ccs() {
    fake = FakeClaude.create(temp.resolve("fake"));
    CcsConfig config = CcsConfig.defaults(temp.resolve("home")).toBuilder().claudePath(fake.executable().toString())
        .build();
    return Ccs.builder(config).environment(Map.of("PATH", System.getenv("PATH"))).build();
  }

  private Path log(UUID sessionId) {
    return temp.resolve("home/data/messages/" + sessionId + ".jsonl");
  }

  @Test
  void aSuccessfulTurnIsOnDiskWhileItsCliIsStillExiting() throws Exception {
    try (Ccs ccs = ccs()) {
      Session session = ccs.sessions().create("p", null, Json.object(), null);
      String cliSession = UUID.randomUUID().toString();
      // The CLI prints its result, then lingers before it exits.
      fake.enqueue(FakeReply.success(cliSession, "the answer", "0.01").gate("linger"));
      CompletableFuture<MessageResult> turn = CompletableFuture.supplyAsync(
          () -> ccs.sessions().continueSession(session.id(), "question", RunOptions.NONE));
      fake.awaitGate("linger", 1);

      // Well within the 10 s after which a lingering CLI is ended (and its turn recorded anyway).
      await(Duration.ofSeconds(5), () -> contains(log(session.id()), "the answer"));
      assertThat(Files.readString(log(session.id()))).contains("\"_session\"");
      assertThat(turn).as("the caller is answered only once the CLI has exited").isNotDone();

      fake.release("linger");
      assertThat(turn.get(30, TimeUnit.SECONDS).result()).isEqualTo("the answer");
      assertThat(ccs.storage().messages().history(session.id())).extracting(StoredMessage::content)
          .containsExactly("question", "the answer");
    }
  }

  @Test
  void aFailedTurnIsRecordedOnceAfterItsRunEnded() throws Exception {
    try (Ccs ccs = ccs()) {
      Session session = ccs.sessions().create("p", null, Json.object(), null);
      String cliSession = UUID.randomUUID().toString();
      fake.enqueue(FakeReply.script().line(FakeReply.initLine(cliSession))
          .line(FakeReply.resultLine(cliSession, "it went wrong", "0.01", true, "error_during_execution")));
      try {
        ccs.sessions().continueSession(session.id(), "question", RunOptions.NONE);
      } catch (RuntimeException expected) {
        // A failed run is an exception to this caller; its turn is recorded all the same.
      }
      assertThat(ccs.storage().messages().history(session.id())).hasSize(2);
      assertThat(ccs.sessions().get(session.id()).totalCostUsd()).isEqualByComparingTo("0.01");
    }
  }

  @Test
  void aNewSessionsLogIsCreatedWhileItsFirstTurnRuns() throws Exception {
    try (Ccs ccs = ccs()) {
      Session session = ccs.sessions().create("p", null, Json.object(), null);
      assertThat(log(session.id())).doesNotExist();
      String cliSession = UUID.randomUUID().toString();
      fake.enqueue(FakeReply.script().line(FakeReply.initLine(cliSession)).gate("think")
          .line(FakeReply.resultLine(cliSession, "done", "0.01", false, "success")));
      CompletableFuture<MessageResult> turn = CompletableFuture.supplyAsync(
          () -> ccs.sessions().continueSession(session.id(), "question", RunOptions.NONE));
      fake.awaitGate("think", 1);

      await(Duration.ofSeconds(20), () -> Files.exists(log(session.id())));

      fake.release("think");
      assertThat(turn.get(30, TimeUnit.SECONDS).result()).isEqualTo("done");
      assertThat(ccs.storage().messages().history(session.id())).hasSize(2);
    }
  }

  @Test
  void anEmptyLogLeftByACrashBeforeTheFirstTurnIsRemovedAtTheNextStart() throws Exception {
    Path dataDir = temp.resolve("data");
    FileStorage.open(dataDir).close();
    // What a kill -9 during a new session's first turn leaves: no marker of a clean stop, and the
    // log prepared for the turn, still empty.
    Files.delete(dataDir.resolve("clean-shutdown"));
    Path empty = Files.createFile(dataDir.resolve("messages").resolve(UUID.randomUUID() + ".jsonl"));

    try (FileStorage storage = FileStorage.open(dataDir)) {
      assertThat(storage.recoveredFromCrash()).isTrue();
      assertThat(empty).doesNotExist();
      assertThat(storage.sessions().list(SessionFilter.ALL, 10)).isEmpty();
    }
  }

  private static boolean contains(Path file, String text) {
    try {
      return Files.exists(file) && Files.readString(file).contains(text);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static void await(Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
