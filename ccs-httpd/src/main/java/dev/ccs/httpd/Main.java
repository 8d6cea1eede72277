package dev.ccs.httpd;

import dev.ccs.core.Ccs;
import dev.ccs.core.config.Version;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigException;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.core.config.LoadedConfig;
import dev.ccs.httpd.log.CcsLogProvider;
import dev.ccs.httpd.log.ServerLog;
import dev.ccs.core.exec.CliStatus;
import dev.ccs.core.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar ccs-httpd.jar [--config FILE] [--port N] [--host ADDRESS]}: loads the config
 * (creating {@code ~/.claude-code-server/config.json} on first start), starts the server, writes
 * the pid file, and on SIGTERM/SIGINT stops gracefully ({@code shutdown.graceMs}) and exits 0.
 */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    // The server's own SLF4J provider (rotation, JSON), chosen by name so that an application that
    // embeds ccs-httpd keeps its own; set before the first logger exists.
    System.setProperty("slf4j.provider", CcsLogProvider.class.getName());
    useFastProcessLaunch();
    System.exit(run(args, System.getenv(), System.err));
  }

  /**
   * On Linux the JDK starts a child by spawning its helper {@code jspawnhelper}, which then execs the
   * program: two execs per run. The VFORK mechanism execs the program directly, saving one (about
   * 2.5 ms per run on a gVisor sandbox, less on bare Linux). It is deprecated from Java 25 on, where the default is kept; an explicit
   * {@code -Djdk.lang.Process.launchMechanism} always wins.
   */
  static void useFastProcessLaunch() {
    boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
    if (linux && Runtime.version().feature() < 25 && System.getProperty("jdk.lang.Process.launchMechanism") == null) {
      System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
    }
  }

  /** Starts the server and blocks until the JVM is asked to stop; returns an exit code on failure. */
  static int run(String[] args, java.util.Map<String, String> env, PrintStream err) {
    Path configFile = ConfigLoader.defaultConfigFile();
    Integer port = null;
    String host = null;
    try {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (arg) {
        case "--config" -> configFile = Path.of(require(arg, value));
        case "--port" -> port = parsePort(require(arg, value));
        case "--host" -> host = require(arg, value);
        case "--version" -> {
          System.out.println("ccs " + Version.current());
          return 0;
        }
        case "--help", "-h" -> {
          System.out.println("usage: java -jar ccs-httpd.jar [--config FILE] [--port N] [--host ADDRESS]");
          return 0;
        }
        default -> {
          err.println("ccs: unknown argument " + arg + " (try --help)");
          return 2;
        }
      }
      i++;
    }
    } catch (IllegalArgumentException e) {
      err.println("ccs: " + e.getMessage());
      return 2;
    }
    LoadedConfig loaded;
    try {
      loaded = ConfigLoader.load(configFile, env);
    } catch (ConfigException e) {
      err.println("ccs: cannot start: " + e.getMessage());
      return 2;
    }
    CcsConfig config = loaded.config().toBuilder()
        .port(port != null ? port : loaded.config().port())
        .host(host != null ? host : loaded.config().host())
        .build();
    try {
      // ccs start sends this process's stderr to the log file already: then the file alone.
      ServerLog.configure(config, !"0".equals(env.get("CCS_CONSOLE_LOG")));
    } catch (IOException e) {
      err.println("ccs: cannot write the log file " + config.logFile() + ": " + e.getMessage());
      return 2;
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    if (loaded.created()) {
      log.info("created {} with the defaults", loaded.file());
    }
    loaded.warnings().forEach(log::warn);

    // From here on a SIGTERM stops gracefully, also one that comes while the server starts.
    java.util.concurrent.CountDownLatch stopRequested = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    boolean signals = Signals.onTerminate(stopRequested::countDown);
    Ccs ccs = Ccs.builder(config).build();
    CcsHttpServer server;
    try {
      server = CcsHttpServer.start(ccs, config.host(), config.port());
    } catch (RuntimeException e) {
      ccs.close();
      err.println("ccs: cannot start: " + e.getMessage());
      return 2;
    }
    // Any other way the JVM ends (SIGHUP, or signals not catchable here): stop at once.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (stopping.compareAndSet(false, true)) {
        log.info("stopping");
        server.close();
        ccs.close();
        deletePidFile(config.pidFile());
        ServerLog.close();
      }
    }, "ccs-shutdown"));
    java.util.Set<String> fromArguments = new java.util.HashSet<>();
    if (port != null) {
      fromArguments.add("port");
    }
    if (host != null) {
      fromArguments.add("host");
    }
    server.watchConfig(ccs, loaded, env, fromArguments);
    writePidFile(config.pidFile(), log);
    CliStatus cli = ccs.cliStatus();
    if (cli.available()) {
      log.info("ccs {} on http://{}:{} (config {}, claude {} at {})", Version.current(), config.host(), server.port(),
          loaded.file(), cli.version(), cli.resolvedPath());
    } else {
      log.warn("ccs {} on http://{}:{} (config {}); the Claude CLI is unavailable: {}", Version.current(),
          config.host(), server.port(), loaded.file(), cli.problem());
    }
    if (!signals) {
      log.debug("signals cannot be caught here: a SIGTERM stops the server without its grace period");
    }
    try {
      stopRequested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    if (stopping.compareAndSet(false, true)) {
      stopGracefully(server, ccs, log);
      deletePidFile(config.pidFile());
      ServerLog.close();
    }
    return 0;
  }

  /**
   * SIGTERM: stop accepting, let running turns and tasks finish for {@code shutdown.graceMs}, end
   * what still runs (tasks recorded as interrupted), answer the requests waiting for them, flush
   * the stores.
   */
  private static void stopGracefully(CcsHttpServer server, Ccs ccs, Logger log) {
    // The config in force: shutdown.graceMs may have been reloaded since the start.
    CcsConfig config = ccs.config();
    java.time.Duration grace = config.shutdown().grace();
    log.info("stopping: no new requests; running work gets up to {} ms to finish", grace.toMillis());
    // The listener closes at once; exchanges in progress are answered as their turns end below.
    Thread http = new Thread(() -> server.stop(grace.plus(config.execution().killGracePeriod()).plusSeconds(15)),
        "ccs-http-stop");
    http.start();
    boolean finished = ccs.shutdown(grace);
    try {
      http.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("stopped{}", finished ? "" : " (work still running after the grace period was ended)");
  }

  private static String require(String flag, String value) {
    if (value == null) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return value;
  }

  private static int parsePort(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--port must be 0-65535, was " + value);
    }
  }



  private static void writePidFile(Path pidFile, Logger log) {
    try {
      AtomicFiles.write(pidFile, Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      log.warn("cannot write pid file {}: {}", pidFile, e.getMessage());
    }
  }

  private static void deletePidFile(Path pidFile) {
    try {
      String content = Files.readString(pidFile).trim();
      if (content.equals(Long.toString(ProcessHandle.current().pid()))) {
        Files.deleteIfExists(pidFile);
      }
    } catch (IOException e) {
      // Already gone.
    }
  }
}
