package dev.ccs.httpd.metrics;

import dev.ccs.core.Ccs;
import dev.ccs.core.balance.CircuitBreaker;
import dev.ccs.core.balance.ProviderStatus;
import dev.ccs.core.stats.DayStats;
import dev.ccs.core.stats.Tally;
import dev.ccs.core.task.QueueStatus;
import dev.ccs.core.task.TaskStatus;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ApiResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import dev.ccs.core.warm.WarmStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code GET /metrics}: Prometheus text format 0.0.4, written by hand (the format is a few lines of
 * rules, and the official client would be a dependency and a second registry for numbers ccs keeps
 * anyway). Labels are bounded: route patterns, statuses, outcomes, models, providers; never session
 * ids, paths or prompts. Counters of runs, tokens and cost are the statistics' all-time totals, so
 * they survive restarts; durations are since the process started.
 */
public final class MetricsHandler {

  private final Ccs ccs;
  private final HttpMetrics http;

  public MetricsHandler(Ccs ccs, HttpMetrics http) {
    this.ccs = ccs;
    this.http = http;
  }

  public ApiResponse metrics(ApiRequest request) {
    PrometheusText out = new PrometheusText();
    http(out);
    runs(out);
    queue(out);
    providers(out);
    warm(out);
    process(out);
    return ApiResponse.bytes(200, PrometheusText.CONTENT_TYPE, out.toString().getBytes(StandardCharsets.UTF_8));
  }

  private void http(PrometheusText out) {
    out.family("ccs_http_requests_total", "counter", "HTTP requests answered, by method, route pattern and status.");
    http.requests().forEach((key, count) -> out.sample("ccs_http_requests_total",
        labels("method", key.method(), "route", key.route(), "status", Integer.toString(key.status())), count));
    out.family("ccs_http_request_duration_seconds", "histogram", "Time to answer an HTTP request (streams: until "
        + "they end).");
    http.durations().forEach((route, h) -> out.histogram("ccs_http_request_duration_seconds",
        labels("method", route.method(), "route", route.route()), h));
  }

  private void runs(PrometheusText out) {
    DayStats all = ccs.statistics().allTime();
    Tally total = all.total();
    out.family("ccs_runs_total", "counter", "CLI runs recorded, by outcome (success, or the error code).");
    out.sample("ccs_runs_total", labels("outcome", "success"), total.successful());
    total.failedByCode().forEach((code, count) -> out.sample("ccs_runs_total", labels("outcome", code), count));
    out.family("ccs_run_duration_seconds", "histogram", "Duration of the CLI runs recorded since this process "
        + "started.");
    out.histogram("ccs_run_duration_seconds", Map.of(), ccs.statistics().runDurations());
    out.family("ccs_tokens_total", "counter", "Tokens used, by model and kind.");
    all.models().forEach((model, t) -> {
      out.sample("ccs_tokens_total", labels("model", model, "kind", "input"), t.inputTokens());
      out.sample("ccs_tokens_total", labels("model", model, "kind", "output"), t.outputTokens());
      out.sample("ccs_tokens_total", labels("model", model, "kind", "cache_read"), t.cacheReadTokens());
      out.sample("ccs_tokens_total", labels("model", model, "kind", "cache_write"), t.cacheWriteTokens());
    });
    out.family("ccs_cost_usd_total", "counter", "The CLI's API-equivalent cost estimate in USD, by model.");
    all.models().forEach((model, t) -> out.sample("ccs_cost_usd_total", labels("model", model), t.costUsd()));
    out.family("ccs_provider_runs_total", "counter", "CLI runs recorded, by provider.");
    all.providers().forEach((p, t) -> out.sample("ccs_provider_runs_total", labels("provider", p), t.requests()));
    out.family("ccs_provider_tokens_total", "counter", "Tokens used, by provider and kind.");
    all.providers().forEach((p, t) -> {
      out.sample("ccs_provider_tokens_total", labels("provider", p, "kind", "input"), t.inputTokens());
      out.sample("ccs_provider_tokens_total", labels("provider", p, "kind", "output"), t.outputTokens());
      out.sample("ccs_provider_tokens_total", labels("provider", p, "kind", "cache_read"), t.cacheReadTokens());
      out.sample("ccs_provider_tokens_total", labels("provider", p, "kind", "cache_write"), t.cacheWriteTokens());
    });
    out.family("ccs_provider_cost_usd_total", "counter", "The CLI's API-equivalent cost estimate in USD, by "
        + "provider.");
    all.providers().forEach((p, t) -> out.sample("ccs_provider_cost_usd_total", labels("provider", p), t.costUsd()));
    out.family("ccs_cli_processes", "gauge", "CLI runs whose process is alive now.");
    out.sample("ccs_cli_processes", Map.of(), ccs.executor().liveRuns().size());
    out.family("ccs_sse_clients", "gauge", "Clients reading a server-sent event stream now.");
    out.sample("ccs_sse_clients", Map.of(), ccs.streams().clients());
    out.family("ccs_webhook_attempts_total", "counter", "Webhook delivery attempts since start, by result "
        + "(delivered, retrying, failed for good).");
    ccs.webhooks().attemptsByResult().forEach((result, count) -> out.sample("ccs_webhook_attempts_total",
        labels("result", result), count));
  }

  private void warm(PrometheusText out) {
    WarmStatus warm = ccs.sessions().warm().status();
    out.family("ccs_warm_processes", "gauge", "Warm CLI processes alive, by state (idle, busy).");
    out.sample("ccs_warm_processes", labels("state", "idle"), warm.live() - warm.busy());
    out.sample("ccs_warm_processes", labels("state", "busy"), warm.busy());
    out.family("ccs_warm_resident_memory_bytes", "gauge", "Resident memory of the warm CLI processes and what they "
        + "started.");
    out.sample("ccs_warm_resident_memory_bytes", Map.of(), warm.rssBytes());
    out.family("ccs_session_turns_total", "counter", "Session turns since start, by kind: warm (a live process "
        + "answered) or cold (a CLI started).");
    out.sample("ccs_session_turns_total", labels("kind", "warm"), warm.warmTurns());
    out.sample("ccs_session_turns_total", labels("kind", "cold"), warm.coldTurns());
    out.family("ccs_session_turn_seconds", "gauge", "Duration of recent session turns, by kind and quantile.");
    for (String kind : new String[] {"warm", "cold"}) {
      WarmStatus.Latency latency = kind.equals("warm") ? warm.warmLatency() : warm.coldLatency();
      out.sample("ccs_session_turn_seconds", labels("kind", kind, "quantile", "0.5"), seconds(latency.p50()));
      out.sample("ccs_session_turn_seconds", labels("kind", kind, "quantile", "0.99"), seconds(latency.p99()));
    }
    out.family("ccs_warm_ended_total", "counter", "Warm CLI processes ended, by reason (evicted, expired, crashed).");
    out.sample("ccs_warm_ended_total", labels("reason", "evicted"), warm.evicted());
    out.sample("ccs_warm_ended_total", labels("reason", "expired"), warm.expired());
    out.sample("ccs_warm_ended_total", labels("reason", "crashed"), warm.crashed());
  }

  private static double seconds(java.time.Duration duration) {
    return duration.toNanos() / 1e9;
  }

  private void queue(PrometheusText out) {
    QueueStatus queue = ccs.tasks().status();
    out.family("ccs_queue_tasks", "gauge", "Tasks in the queue's store, by status.");
    for (TaskStatus status : TaskStatus.values()) {
      out.sample("ccs_queue_tasks", labels("status", status.wireName()), queue.counts().getOrDefault(status, 0));
    }
    out.family("ccs_queue_oldest_pending_seconds", "gauge", "How long the oldest waiting task has waited.");
    out.sample("ccs_queue_oldest_pending_seconds", Map.of(),
        queue.oldestPendingAge() == null ? 0 : queue.oldestPendingAge().toMillis() / 1000.0);
  }

  private void providers(PrometheusText out) {
    out.family("ccs_provider_state", "gauge", "1 for each provider's breaker state (closed, open, half_open).");
    for (ProviderStatus p : ccs.balancer().status()) {
      for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
        out.sample("ccs_provider_state", labels("provider", p.id(), "state", state.wireName()),
            p.state() == state ? 1 : 0);
      }
    }
    out.family("ccs_provider_enabled", "gauge", "1 when runs may use the provider.");
    ccs.balancer().status().forEach(p -> out.sample("ccs_provider_enabled", labels("provider", p.id()),
        p.enabled() ? 1 : 0));
    out.family("ccs_provider_consecutive_failures", "gauge", "Provider failures in a row.");
    ccs.balancer().status().forEach(p -> out.sample("ccs_provider_consecutive_failures", labels("provider", p.id()),
        p.consecutiveFailures()));
  }

  private static void process(PrometheusText out) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    out.family("jvm_memory_heap_used_bytes", "gauge", "Heap in use.");
    out.sample("jvm_memory_heap_used_bytes", Map.of(), heap.getUsed());
    out.family("jvm_memory_heap_committed_bytes", "gauge", "Heap committed.");
    out.sample("jvm_memory_heap_committed_bytes", Map.of(), heap.getCommitted());
    long rss = residentBytes();
    if (rss >= 0) {
      out.family("process_resident_memory_bytes", "gauge", "Resident set size.");
      out.sample("process_resident_memory_bytes", Map.of(), rss);
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      out.family("process_cpu_seconds_total", "counter", "CPU time used by the process.");
      out.sample("process_cpu_seconds_total", Map.of(), os.getProcessCpuTime() / 1e9);
    }
    long fds = openFileDescriptors();
    if (fds >= 0) {
      out.family("process_open_fds", "gauge", "Open file descriptors.");
      out.sample("process_open_fds", Map.of(), fds);
    }
    out.family("process_start_time_seconds", "gauge", "When the process started, in seconds since the epoch.");
    out.sample("process_start_time_seconds", Map.of(), ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0);
  }

  private static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux
    }
    return -1;
  }

  private static long openFileDescriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      return -1;
    }
  }

  private static Map<String, String> labels(String... pairs) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      labels.put(pairs[i], pairs[i + 1]);
    }
    return labels;
  }
}
