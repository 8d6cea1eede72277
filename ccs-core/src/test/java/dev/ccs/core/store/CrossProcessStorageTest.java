package dev.ccs.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccs.core.error.StoreException;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.StoredMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs on one data directory, and a writer killed with SIGKILL in the middle of its writes. */
@Timeout(120)
class CrossProcessStorageTest {

  @TempDir
  Path temp;

  private Process start(String mode, Path dir) throws Exception {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), StoreWriterMain.class.getName(), mode, dir.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** A line, or null at the end (the JDK closes the pipe under us once the process is dead). */
  private static String readLine(BufferedReader out) {
    try {
      return out.readLine();
    } catch (java.io.IOException e) {
      return null;
    }
  }

  @Test
  void aSecondProcessIsRefusedUntilTheFirstOneIsGone() throws Exception {
    Path dir = temp.resolve("data");
    Process holder = start("hold", dir);
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("READY");

      assertThatThrownBy(() -> FileStorage.open(dir))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("in use by another ccs process (pid " + holder.pid() + ")");
      Process second = start("hold", dir);
      String refused = new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(refused).startsWith("REFUSED").contains("pid " + holder.pid());
      assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      holder.destroyForcibly().waitFor();
    }
    // The lock died with its owner.
    try (FileStorage storage = FileStorage.open(dir)) {
      assertThat(storage.sessions().size()).isZero();
    }
  }

  @Test
  void killedMidWriteEveryFileIsReadableAndNothingAcknowledgedIsMissing() throws Exception {
    Path dir = temp.resolve("data");
    Map<UUID, Integer> acknowledged = new HashMap<>();
    Map<UUID, Integer> lastTurn = new HashMap<>();
    Process writer = start("write", dir);
    try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("READY");
      int acks = 0;
      String line;
      while ((line = readLine(out)) != null) {
        String[] parts = line.split(" ");
        UUID id = UUID.fromString(parts[1]);
        acknowledged.merge(id, 1, Integer::sum);
        lastTurn.put(id, Integer.parseInt(parts[2]));
        if (++acks == 400) {
          // SIGKILL while it keeps writing: no shutdown hook, no flush, no clean-shutdown marker.
          writer.destroyForcibly();
        }
      }
    }
    writer.waitFor();

    try (FileStorage storage = FileStorage.open(dir)) {
      assertThat(storage.recoveredFromCrash()).isTrue();
      assertThat(Files.exists(dir.resolve("corrupt"))).isFalse();
      for (Map.Entry<UUID, Integer> entry : acknowledged.entrySet()) {
        Session session = storage.sessions().get(entry.getKey()).orElseThrow();
        // Every acknowledged turn is there (one more may have landed before the kill took effect).
        assertThat(session.messagesCount()).isGreaterThanOrEqualTo(entry.getValue());
        List<StoredMessage> history = storage.messages().history(entry.getKey());
        Set<String> answers = history.stream().filter(m -> m.role().equals("assistant")).map(StoredMessage::content)
            .collect(Collectors.toSet());
        assertThat(answers).contains("turn " + lastTurn.get(entry.getKey()));
        assertThat(answers).hasSize(session.messagesCount());
      }
      // Every file parses: the store opened them all, and every log line is complete JSON.
      try (Stream<Path> logs = Files.list(dir.resolve("messages"))) {
        for (Path log : logs.toList()) {
          assertThat(Files.readString(log)).endsWith("\n");
          for (String line : Files.readAllLines(log)) {
            dev.ccs.core.json.Json.parse(line);
          }
        }
      }
    }
  }
}
