package dev.ccs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.LoadedConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;

/** {@code start}, {@code stop} and {@code status}, printing what happened. */
public final class Commands {

  private final LoadedConfig config;
  private final ServerProcess server;
  private final ApiClient client;

  public Commands(LoadedConfig config) {
    this.config = config;
    this.server = new ServerProcess(config.config(), config.file());
    this.client = new ApiClient(config.config());
  }

  public ApiClient client() {
    return client;
  }

  public boolean isRunning() {
    return server.running().isPresent();
  }

  /** Exit code 0 when the server is (now) running. */
  public int start(PrintStream out) {
    Optional<ProcessHandle> running = server.running();
    if (running.isPresent()) {
      out.println("already running (pid " + running.get().pid() + ") at " + client.base());
      return 0;
    }
    try {
      ProcessHandle started = server.start(Duration.ofSeconds(60));
      out.println("started (pid " + started.pid() + ") at " + client.base() + "; log: " + config.config().logFile());
      return 0;
    } catch (IOException | IllegalStateException e) {
      out.println("could not start: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  public int stop(PrintStream out) {
    try {
      // The server's own graceful stop takes up to shutdown.graceMs and then the kill grace: SIGKILL only after that.
      Duration wait = config.config().shutdown().grace().plus(config.config().execution().killGracePeriod())
          .plusSeconds(15);
      if (server.stop(wait)) {
        out.println("stopped");
      } else {
        out.println("not running");
      }
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /**
   * Prints the Node server's API key for the configured {@code security.auth.secretKey} (as the Node
   * TUI showed it), so that clients of a Node server can be pointed at this one: 1 without a secret.
   */
  public int showLegacyKey(PrintStream out) {
    String secret = config.config().security().auth().secretKey();
    if (secret == null || secret.isBlank()) {
      out.println("no security.auth.secretKey in " + config.file() + ": there is no legacy key");
      return 1;
    }
    out.println(dev.ccs.core.auth.ApiKeys.legacyKey(secret));
    if (!config.config().security().auth().enabled()) {
      out.println("(security.auth.enabled is false: the server asks for no key now)");
    }
    return 0;
  }

  /** Exit code 0 when running and healthy, 3 when not running (as init scripts expect), 1 otherwise. */
  public int status(PrintStream out) {
    Optional<ProcessHandle> running = server.running();
    out.println("config:  " + config.file());
    if (running.isEmpty()) {
      out.println("server:  not running");
      return 3;
    }
    out.println("server:  running, pid " + running.get().pid() + ", " + client.base());
    running.get().info().startInstant().ifPresent(start -> out.println("since:   " + start));
    try {
      ApiClient.Reply health = client.get("/health");
      JsonNode body = health.body();
      out.println("health:  " + body.path("status").asText("?") + ", up " + body.path("uptime").asText() + " s, ccs "
          + body.path("version").asText());
      JsonNode claude = body.path("claude");
      out.println("claude:  " + (claude.path("available").asBoolean()
          ? claude.path("version").asText() + " at " + claude.path("path").asText()
          : "unavailable: " + claude.path("error").asText()));
      return health.ok() ? 0 : 1;
    } catch (IOException e) {
      out.println("health:  no answer (" + e.getMessage() + ")");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
