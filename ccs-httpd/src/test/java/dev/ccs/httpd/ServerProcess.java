package dev.ccs.httpd;

import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server as a child JVM ({@code dev.ccs.httpd.Main} on the test class path), for tests that
 * kill it: the config is written to a file, the log goes to a file, and the port is read from the
 * log's start line.
 */
final class ServerProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile(" on http://127\\.0\\.0\\.1:(\\d+)");

  private static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newBuilder()
      .proxy(java.net.ProxySelector.of(null)).connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final int port;
  private final Path log;

  private ServerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Writes {@code config} to {@code configFile} and starts a server on it; returns once it listens. */
  static ServerProcess start(CcsConfig config, Path configFile, Path log) {
    return start(config, configFile, log, null);
  }

  /** As {@link #start(CcsConfig, Path, Path)}, with exactly {@code environment} (null: this JVM's). */
  static ServerProcess start(CcsConfig config, Path configFile, Path log, java.util.Map<String, String> environment) {
    return start(config, configFile, log, environment, Jvms.current(), List.of("-Xmx128m"));
  }

  /**
   * As {@link #start(CcsConfig, Path, Path, java.util.Map)}, run by {@code java} with {@code jvmFlags}
   * (the README's, say).
   */
  static ServerProcess start(CcsConfig config, Path configFile, Path log, java.util.Map<String, String> environment,
      Path java, List<String> jvmFlags) {
    ConfigLoader.write(configFile, config);
    try {
      Files.deleteIfExists(log);
      List<String> command = new java.util.ArrayList<>();
      command.add(java.toString());
      command.addAll(jvmFlags);
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "--config",
          configFile.toString()));
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(log.toFile());
      // The config file says it all: no override from the machine's environment (PORT, HOST, CCS_*).
      builder.environment().keySet().removeIf(name -> name.equals("PORT") || name.equals("HOST")
          || name.startsWith("CCS_"));
      if (environment != null) {
        builder.environment().clear();
        builder.environment().putAll(environment);
      }
      Process process = builder.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        String text = Files.exists(log) ? Files.readString(log) : "";
        Matcher m = LISTENING.matcher(text);
        if (m.find()) {
          return new ServerProcess(process, Integer.parseInt(m.group(1)), log);
        }
        if (!process.isAlive()) {
          throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + text);
        }
        Thread.sleep(20);
      }
      process.destroyForcibly();
      throw new AssertionError("the server did not start in time:\n" + Files.readString(log));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  int port() {
    return port;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** {@code GET path}, which must answer 200, as JSON. */
  com.fasterxml.jackson.databind.JsonNode getJson(String path) {
    try {
      java.net.http.HttpResponse<String> response = CLIENT.send(java.net.http.HttpRequest.newBuilder(uri(path))
          .timeout(Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("GET " + path + ": " + response.statusCode() + " " + response.body());
      }
      return dev.ccs.core.json.Json.parse(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** A line of {@code /proc/<pid>/status} ({@code Threads}, {@code VmRSS}, {@code VmHWM}) as a number. */
  long status(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new AssertionError("no " + field + " in /proc/" + process.pid() + "/status");
  }

  /** Open file descriptors of the server. */
  long openFiles() {
    try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL, and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM (the orderly stop), and waits until it is gone; returns its exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the server did not stop within 60 s");
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
