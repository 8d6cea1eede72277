package dev.ccs.httpd.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.cluster.Cluster;
import dev.ccs.core.config.Version;
import dev.ccs.core.exec.CliStatus;
import dev.ccs.core.json.Json;
import dev.ccs.core.warm.WarmStatus;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code GET /health}: the Node server's {@code {status, uptime, timestamp, memory}} plus the ccs
 * version, whether the CLI can be run, and (on a store several nodes share) this node's id and
 * whether it reaches the database. The status is {@code ok}, or {@code degraded} (still 200: the
 * server itself is up) when the CLI is unavailable or the database out of reach (the node then
 * claims no tasks), with the reason.
 */
public final class HealthHandler {

  /** Bytes per page of {@code /proc/self/statm} once known; 0 before, -1 when it could not be learnt. */
  private static volatile long pageSize;

  private final Ccs ccs;

  public HealthHandler(Ccs ccs) {
    this.ccs = ccs;
  }

  public ApiResponse health(ApiRequest request) {
    CliStatus cli = ccs.cliStatus();
    Cluster cluster = ccs.cluster().orElse(null);
    boolean databaseReachable = cluster == null || cluster.reachable();
    ObjectNode body = Json.object();
    body.put("status", cli.available() && databaseReachable ? "ok" : "degraded");
    body.put("uptime", Duration.between(ccs.startedAt(), ccs.clock().instant()).toMillis() / 1000.0);
    body.put("timestamp", ccs.clock().instant().toString());
    body.put("version", Version.current());
    body.put("store", ccs.config().store().type());
    if (cluster != null) {
      ObjectNode node = body.putObject("node");
      node.put("id", cluster.nodeId());
      node.put("database", databaseReachable ? "reachable" : "unreachable");
      if (!databaseReachable) {
        node.put("error", "the database does not answer: this node claims no tasks until it does");
      }
    }
    ObjectNode claude = body.putObject("claude");
    claude.put("available", cli.available());
    claude.put("path", cli.resolvedPath() != null ? cli.resolvedPath() : cli.configuredPath());
    claude.put("version", cli.version());
    if (!cli.available()) {
      claude.put("error", cli.problem());
    }
    ObjectNode memory = body.putObject("memory");
    Runtime runtime = Runtime.getRuntime();
    long rss = residentSetBytes();
    if (rss > 0) {
      memory.put("rss", rss);
    }
    memory.put("heap_used", runtime.totalMemory() - runtime.freeMemory());
    memory.put("heap_committed", runtime.totalMemory());
    memory.put("heap_max", runtime.maxMemory());
    body.put("running_processes", ccs.executor().liveRuns().size());
    body.set("warm_sessions", warm(ccs.sessions().warm().status(), ccs.sessions().warm().config().enabled()));
    return ApiResponse.json(200, body);
  }

  /** The warm pool: its processes (their memory is not in {@code memory.rss}), and warm vs cold turns. */
  private static ObjectNode warm(WarmStatus status, boolean enabled) {
    ObjectNode warm = Json.object();
    warm.put("enabled", enabled);
    warm.put("processes", status.live());
    warm.put("busy", status.busy());
    warm.put("rss", status.rssBytes());
    ObjectNode turns = warm.putObject("turns");
    for (String kind : new String[] {"warm", "cold"}) {
      WarmStatus.Latency latency = kind.equals("warm") ? status.warmLatency() : status.coldLatency();
      ObjectNode node = turns.putObject(kind);
      node.put("count", latency.count());
      node.put("p50_ms", latency.p50().toNanos() / 1e6);
      node.put("p99_ms", latency.p99().toNanos() / 1e6);
    }
    warm.put("evicted", status.evicted());
    warm.put("expired", status.expired());
    warm.put("crashed", status.crashed());
    return warm;
  }

  /**
   * The resident set, from {@code /proc/self/statm} (one short line, cheap for the kernel to make,
   * unlike {@code status}), in pages of a size learnt once from {@code status}.
   */
  private static long residentSetBytes() {
    long pages = residentPages();
    long size = pageSize;
    if (pages > 0 && size == 0) {
      long statusBytes = statusResidentBytes();
      // Rounded to a power of two: the two files are read a moment apart.
      size = statusBytes > 0 ? Long.highestOneBit(Math.max(1024, (statusBytes + pages / 2) / pages * 3 / 2)) : -1;
      pageSize = size;
    }
    return pages > 0 && size > 0 ? pages * size : statusResidentBytes();
  }

  private static long residentPages() {
    try {
      String[] fields = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
      return Long.parseLong(fields[1]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long statusResidentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
