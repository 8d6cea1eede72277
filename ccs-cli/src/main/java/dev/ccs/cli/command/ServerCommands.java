package dev.ccs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.cli.base.ApiClient;
import dev.ccs.cli.base.Cli;
import dev.ccs.cli.base.Table;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@code ccs start|stop|restart|status|serve}: the server as a background process, or in the foreground. */
public final class ServerCommands {

  /** How long {@code start} waits for {@code /health}. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Cli cli;

  public ServerCommands(Cli cli) {
    this.cli = cli;
  }

  public boolean running() {
    return cli.server().running().isPresent();
  }

  /** 0 when the server is (now) running; 1 with the log's last lines when it did not come up. */
  public int start() {
    Optional<ProcessHandle> running = cli.server().running();
    if (running.isPresent()) {
      return report(true, running.get().pid(), "already running (pid " + running.get().pid() + ") at "
          + cli.api().base());
    }
    if (!cli.json()) {
      cli.out().print("starting ccs (log: " + cli.config().config().logFile() + ") ");
      cli.out().flush();
    }
    try {
      ProcessHandle started = cli.server().start(START_TIMEOUT, waited -> {
        if (!cli.json()) {
          cli.out().print(".");
          cli.out().flush();
        }
      });
      if (!cli.json()) {
        cli.out().println();
      }
      return report(true, started.pid(), "started (pid " + started.pid() + ") at " + cli.api().base() + "; log: "
          + cli.config().config().logFile() + "; API docs: " + cli.api().base().resolve("/api-docs"));
    } catch (IOException | IllegalStateException e) {
      if (!cli.json()) {
        cli.out().println();
        cli.out().println("could not start: " + e.getMessage());
        List<String> tail = cli.server().logTail(20);
        if (!tail.isEmpty()) {
          cli.out().println("the log ends:");
          tail.forEach(line -> cli.out().println("  " + line));
        }
      } else {
        cli.printJson(Json.object().put("running", false).put("error", e.getMessage()));
      }
      return Cli.FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Cli.FAILURE;
    }
  }

  private int report(boolean running, long pid, String text) {
    if (cli.json()) {
      cli.printJson(Json.object().put("running", running).put("pid", pid).put("url", cli.api().base().toString()));
    } else {
      cli.out().println(text);
    }
    return Cli.OK;
  }

  /** 0 when it stopped (or was not running: then it says so). */
  public int stop() {
    try {
      // The server's own graceful stop takes up to shutdown.graceMs and then the kill grace: SIGKILL only after that.
      Duration wait = cli.config().config().shutdown().grace().plus(cli.config().config().execution().killGracePeriod())
          .plusSeconds(15);
      boolean stopped = cli.server().stop(wait);
      if (cli.json()) {
        cli.printJson(Json.object().put("stopped", stopped).put("was_running", stopped));
      } else {
        cli.out().println(stopped ? "stopped" : "not running");
      }
      return Cli.OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Cli.FAILURE;
    }
  }

  public int restart() {
    int stopped = stop();
    return stopped != Cli.OK ? stopped : start();
  }

  /**
   * Running or not (3, as init scripts expect), pid, address, uptime (from the process's own start,
   * not a file's time: Node defect #49), version, the CLI's version and health, the queue, today's
   * cost; 1 when it runs but is not healthy.
   */
  public int status() {
    Optional<ProcessHandle> running = cli.server().running();
    ObjectNode json = Json.object().put("config", cli.config().file().toString()).put("running", running.isPresent());
    if (running.isEmpty()) {
      print(json, "config:  " + cli.config().file(), "server:  not running");
      return Cli.NOT_RUNNING;
    }
    ProcessHandle process = running.get();
    json.put("pid", process.pid()).put("url", cli.api().base().toString());
    Optional<Instant> since = process.info().startInstant();
    since.ifPresent(start -> json.put("started_at", start.toString())
        .put("uptime_s", Duration.between(start, Instant.now()).toSeconds()));
    StringBuilder text = new StringBuilder();
    text.append("config:  ").append(cli.config().file()).append('\n');
    text.append("server:  running, pid ").append(process.pid()).append(", ").append(cli.api().base());
    since.ifPresent(start -> text.append(", up ").append(human(Duration.between(start, Instant.now()))));
    text.append('\n');
    int code = Cli.OK;
    try {
      ApiClient.Reply health = cli.api().call("GET", "/health");
      JsonNode body = health.body();
      json.set("health", body);
      text.append("health:  ").append(body.path("status").asText("?")).append(", ccs ")
          .append(body.path("version").asText("?")).append('\n');
      JsonNode claude = body.path("claude");
      text.append("claude:  ").append(claude.path("available").asBoolean()
          ? claude.path("version").asText() + " at " + claude.path("path").asText()
          : "unavailable: " + claude.path("error").asText()).append('\n');
      JsonNode warm = body.path("warm_sessions");
      if (warm.path("enabled").asBoolean()) {
        text.append("warm:    ").append(warm.path("processes").asInt()).append(" CLI(s) alive (")
            .append(warm.path("busy").asInt()).append(" busy, ").append(warm.path("rss").asLong() >> 20)
            .append(" MiB), ").append(warm.at("/turns/warm/count").asLong()).append(" warm turn(s) p50 ")
            .append(Math.round(warm.at("/turns/warm/p50_ms").asDouble())).append(" ms, ")
            .append(warm.at("/turns/cold/count").asLong()).append(" cold p50 ")
            .append(Math.round(warm.at("/turns/cold/p50_ms").asDouble())).append(" ms\n");
      }
      code = health.ok() ? Cli.OK : Cli.FAILURE;
      ApiClient.Reply queue = cli.api().call("GET", "/api/tasks/queue/status");
      if (queue.ok()) {
        JsonNode q = queue.body().path("queue");
        json.set("queue", q);
        text.append("queue:   ").append(q.path("pending").asInt()).append(" waiting, ")
            .append(q.path("processing").asInt()).append(" running (concurrency ").append(q.path("concurrency").asInt())
            .append("), ").append(q.path("completed").asInt()).append(" completed, ").append(q.path("failed").asInt())
            .append(" failed\n");
      }
      ApiClient.Reply today = cli.api().call("GET", "/api/statistics/daily?limit=1");
      if (today.ok()) {
        JsonNode day = today.body().path("daily").path(0);
        boolean isToday = day.path("date").asText().equals(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
        json.put("today_cost_usd", isToday ? day.path("total_cost_usd").asDouble() : 0);
        json.put("today_requests", isToday ? day.path("total_requests").asLong() : 0);
        text.append("today:   ").append(isToday ? day.path("total_requests").asLong() : 0).append(" requests, ")
            .append(Table.usd(isToday ? day.path("total_cost_usd") : Json.mapper().getNodeFactory().numberNode(0)))
            .append(" (UTC)\n");
      }
    } catch (ApiClient.Unreachable e) {
      json.put("error", e.getMessage());
      text.append("health:  no answer (").append(e.getMessage()).append(")\n");
      code = Cli.FAILURE;
    }
    print(json, text.toString().stripTrailing());
    return code;
  }

  private void print(ObjectNode json, String... lines) {
    if (cli.json()) {
      cli.printJson(json);
    } else {
      for (String line : lines) {
        cli.out().println(line);
      }
    }
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return s / 60 + " min " + s % 60 + " s";
    }
    if (s < 86_400) {
      return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
    return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
  }

  /** The server in this process, until it stops (SIGTERM): what a systemd unit runs. */
  public int serve() throws Exception {
    dev.ccs.httpd.Main.main(new String[] {"--config", cli.config().file().toString()});
    return Cli.OK;
  }
}
