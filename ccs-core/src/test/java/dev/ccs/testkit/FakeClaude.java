package dev.ccs.testkit;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A fake {@code claude} executable for tests, in the style of MockWebServer: queue replies, run the
 * code under test against {@link #executable()}, then inspect the recorded invocations.
 *
 * <pre>{@code
 * FakeClaude fake = FakeClaude.create(tempDir);
 * fake.enqueue(FakeReply.success("hello", "0.01"));
 * RunOutcome outcome = executor(fake.executable()).run(request);
 * Invocation call = fake.takeInvocation();
 * assertThat(call.stdin()).isEqualTo("my prompt");
 * }</pre>
 *
 * The executable is a shell script that execs a JVM running {@link FakeClaudeMain}: real pipes, real
 * exit codes, real signals. With no reply queued, the fake emulates the CLI (sessions, costs).
 */
public final class FakeClaude {

  /** What {@code --version} prints, before " (Claude Code)". */
  public static final String VERSION = "0.0.0-fake";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Path executable;
  private int queued;
  private int taken;

  private FakeClaude(Path dir, Path executable) {
    this.dir = dir;
    this.executable = executable;
  }

  /** A fake whose state lives in {@code dir} (a test's temp dir). */
  public static FakeClaude create(Path dir) {
    try {
      Path home = Files.createDirectories(dir.resolve("fake-claude"));
      Files.createDirectories(home.resolve("queue"));
      Files.createDirectories(home.resolve("invocations"));
      Files.createDirectories(home.resolve("settings"));
      Path executable = home.resolve("claude");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String script = "#!/bin/sh\n"
          + "FAKE_CLAUDE_DIR=" + quote(home.toString()) + "\nexport FAKE_CLAUDE_DIR\n"
          + "exec " + quote(java) + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto"
          + " -Xss512k -cp " + quote(classPath()) + " " + FakeClaudeMain.class.getName() + " \"$@\"\n";
      Files.writeString(executable, script, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwxr-xr-x"));
      return new FakeClaude(home, executable);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The path to configure as {@code claudePath}. */
  public Path executable() {
    return executable;
  }

  /** Queues a reply for the next invocation that finds none queued before it. */
  public synchronized FakeClaude enqueue(FakeReply reply) {
    queued++;
    try {
      Path tmp = dir.resolve("queue").resolve(String.format("%06d.tmp", queued));
      Files.write(tmp, reply.toJson());
      Files.move(tmp, dir.resolve("queue").resolve(String.format("%06d.json", queued)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** The cost of each emulated run in USD (default 0.001); the session total grows by it. */
  public FakeClaude costPerRun(String usd) {
    return setting("cost", usd);
  }

  /** A pause of each emulated run before its output (default none). */
  public FakeClaude delayMillis(long millis) {
    return setting("delayMillis", Long.toString(millis));
  }

  /** Memory each warm process ({@code --input-format stream-json}) holds beside its JVM's own. */
  public FakeClaude warmRssMb(int megabytes) {
    return setting("warmRssMb", Integer.toString(megabytes));
  }

  /**
   * The turns warm processes answered, in order: pid, session id and prompt of each (a turn is
   * logged when it ends).
   */
  public List<String[]> warmTurns() {
    Path log = dir.resolve("warm-turns.log");
    try {
      return Files.exists(log) ? Files.readAllLines(log).stream().map(line -> line.split(" ", 3)).toList() : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private FakeClaude setting(String name, String value) {
    try {
      Files.writeString(dir.resolve("settings").resolve(name), value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** The next invocation not taken yet, waiting up to 30 seconds for it. */
  public Invocation takeInvocation() {
    return takeInvocation(Duration.ofSeconds(30));
  }

  public synchronized Invocation takeInvocation(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path file = dir.resolve("invocations").resolve(String.format("%06d.json", taken + 1));
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the fake CLI was not invoked (invocation " + (taken + 1) + ")");
      }
      pause();
    }
    taken++;
    return read(file);
  }

  /** Every invocation so far, in order. */
  public List<Invocation> invocations() {
    try (Stream<Path> files = Files.list(dir.resolve("invocations"))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().map(FakeClaude::read).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int invocationCount() {
    return invocations().size();
  }

  /** The pid of the grandchild started by invocation {@code seq}, once it has been started. */
  public Optional<Long> grandchildPid(int seq) {
    Path file = dir.resolve("invocations").resolve(String.format("%06d.grandchild", seq));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(file) && System.nanoTime() < deadline) {
      pause();
    }
    try {
      return Files.exists(file) ? Optional.of(Long.parseLong(Files.readString(file).trim())) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until {@code runs} runs have reached {@link FakeReply#gate gate} {@code name} (30 seconds at most). */
  public void awaitGate(String name, int runs) {
    Path gates = dir.resolve("gates");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (reachedGate(gates, name) < runs) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(reachedGate(gates, name) + " run(s), not " + runs + ", reached gate " + name);
      }
      pause();
    }
  }

  private static long reachedGate(Path gates, String name) {
    if (!Files.isDirectory(gates)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(gates)) {
      return files.filter(f -> f.getFileName().toString().startsWith(name + ".reached.")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens gate {@code name}: the runs waiting there go on, and later ones pass it at once. */
  public void release(String name) {
    try {
      Files.createDirectories(dir.resolve("gates"));
      Files.writeString(dir.resolve("gates").resolve(name + ".open"), "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until invocation {@code seq} has set SIGTERM to be ignored. */
  public void awaitSigtermIgnored(int seq) {
    Path file = dir.resolve("invocations").resolve(String.format("%06d.sigterm-ignored", seq));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("invocation " + seq + " never ignored SIGTERM");
      }
      pause();
    }
  }

  /** The emulated CLI sessions and their running cost totals. */
  public Map<String, String> sessionTotals() {
    Map<String, String> totals = new LinkedHashMap<>();
    Path sessions = dir.resolve("sessions");
    if (!Files.isDirectory(sessions)) {
      return totals;
    }
    try (Stream<Path> files = Files.list(sessions)) {
      for (Path file : files.sorted().toList()) {
        if (!file.getFileName().toString().contains(".tmp")) {
          totals.put(file.getFileName().toString(), Files.readString(file).trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return totals;
  }

  private static Invocation read(Path file) {
    try {
      JsonNode node = JSON.readTree(file.toFile());
      List<String> args = new ArrayList<>();
      node.get("args").forEach(a -> args.add(a.asText()));
      Map<String, String> env = new LinkedHashMap<>();
      node.get("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
      Path end = file.resolveSibling(file.getFileName().toString().replace(".json", ".end"));
      Long ended = Files.exists(end) ? Long.valueOf(Files.readString(end).trim()) : null;
      return new Invocation(node.get("seq").asInt(), node.get("pid").asLong(), List.copyOf(args),
          Path.of(node.get("cwd").asText()), Map.copyOf(env), node.get("stdin").asText(),
          node.get("startedAtMillis").asLong(), ended);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String classPath() {
    List<String> entries = new ArrayList<>();
    for (Class<?> type : List.of(FakeClaudeMain.class, ObjectMapper.class, JsonFactory.class, JsonAutoDetect.class)) {
      try {
        entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  private static void pause() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }
}
