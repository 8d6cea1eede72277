package dev.ccs.cli.base;

import dev.ccs.core.config.CcsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts, finds and stops a ccs server running in the background. The pid file is trusted only for
 * a live process whose command line is a ccs server, so a stale file can never make {@code stop}
 * signal an unrelated process that got the same pid.
 */
public final class ServerProcess {

  public static final String SERVER_MAIN = "dev.ccs.httpd.Main";
  /**
   * JVM options of a server started by {@code ccs start}: the README's (small heap that holds the
   * configured bounds, one GC thread, C1 only, an exit rather than limping on after an
   * OutOfMemoryError), and no performance-data file.
   */
  public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx96m",
      "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData");

  private final CcsConfig config;
  private final Path configFile;

  public ServerProcess(CcsConfig config, Path configFile) {
    this.config = config;
    this.configFile = configFile;
  }

  /** The running server's process, if the pid file names one. */
  public Optional<ProcessHandle> running() {
    try {
      if (!Files.exists(config.pidFile())) {
        return Optional.empty();
      }
      long pid = Long.parseLong(Files.readString(config.pidFile()).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(ServerProcess::isServer);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The last {@code count} lines of the log file (what a failed start printed), empty if there is none. */
  public java.util.List<String> logTail(int count) {
    try {
      return LogFile.lastLines(config.logFile(), count, null);
    } catch (IOException e) {
      return java.util.List.of();
    }
  }

  private static boolean isServer(ProcessHandle handle) {
    return handle.info().commandLine().map(line -> line.contains(SERVER_MAIN) || line.contains("ccs-httpd"))
        .orElse(true); // no command line visible (another user): trust the pid file
  }

  /**
   * Starts the server in the background (output appended to {@code logFile}) and waits until it
   * answers {@code /health}.
   *
   * @return the server's process
   * @throws IllegalStateException when it exits or does not answer within {@code wait}
   */
  public ProcessHandle start(Duration wait) throws IOException, InterruptedException {
    return start(wait, elapsed -> { });
  }

  /**
   * As {@link #start(Duration)}, telling {@code progress} how long it has waited, every half second.
   */
  public ProcessHandle start(Duration wait, java.util.function.Consumer<Duration> progress)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SERVER_MAIN);
    command.add("--config");
    command.add(configFile.toString());
    Files.createDirectories(config.logFile().getParent());
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(config.logFile().toFile()))
        .redirectErrorStream(true);
    // What it prints before its log is open lands in the log file; after that it writes the file itself.
    builder.environment().put("CCS_CONSOLE_LOG", "0");
    Process process = builder.start();
    ApiClient client = new ApiClient(config);
    long begin = System.nanoTime();
    long deadline = begin + wait.toNanos();
    long nextReport = begin + 500_000_000L;
    while (System.nanoTime() < deadline) {
      if (System.nanoTime() >= nextReport) {
        progress.accept(Duration.ofNanos(System.nanoTime() - begin));
        nextReport += 500_000_000L;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the server exited with code " + process.exitValue() + "; see "
            + config.logFile());
      }
      try {
        if (client.get("/health").ok()) {
          return process.toHandle();
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      Thread.sleep(100);
    }
    process.destroy();
    throw new IllegalStateException("the server did not answer within " + wait.toSeconds() + " s; see " + config.logFile());
  }

  /** Asks the server to stop (SIGTERM), and kills it if it has not stopped within {@code wait}. */
  public boolean stop(Duration wait) throws InterruptedException {
    Optional<ProcessHandle> server = running();
    if (server.isEmpty()) {
      return false;
    }
    ProcessHandle handle = server.get();
    handle.destroy();
    try {
      handle.onExit().get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      handle.destroyForcibly();
    }
    return true;
  }
}
