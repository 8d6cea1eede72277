package dev.ccs.httpd.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Many clients using every endpoint at once for a bounded time, as a busy service sees them: sync
 * messages, session turns, streams read to the end or abandoned after the first event, queued
 * tasks (some slow), task events, cancels and priority changes, lists, searches and stats. Every
 * answer is checked: it must be 2xx, or a JSON 429/503 with {@code Retry-After}, or one of the few
 * refusals a race makes legitimate (cancelling a task that has just finished); a reset, a close
 * without an answer, a stall or any other answer is a violation.
 */
public final class LoadMix {

  /** What the mix saw. */
  public static final class Report {
    final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicLong requests = new AtomicLong();

    void count(String key) {
      counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    void violation(String text) {
      count("violation");
      if (violations.size() < 200) {
        violations.add(text);
      }
    }

    public long requests() {
      return requests.get();
    }

    public List<String> violations() {
      return List.copyOf(violations);
    }

    public long count(String key, long ignored) {
      AtomicLong value = counts.get(key);
      return value == null ? 0 : value.get();
    }

    /** Counts by action and status ({@code sync 200}, {@code async 503}, {@code failure RESET}, ...). */
    public Map<String, Long> counts() {
      Map<String, Long> copy = new TreeMap<>();
      counts.forEach((k, v) -> copy.put(k, v.get()));
      return copy;
    }

    @Override
    public String toString() {
      return requests() + " requests " + counts() + (violations.isEmpty() ? "" : "\nviolations:\n  "
          + String.join("\n  ", violations.subList(0, Math.min(30, violations.size()))));
    }
  }

  private enum Action {
    HEALTH(8), SYNC(14), CREATE_SESSION(4), CONTINUE(10), STREAM_ABANDONED(8), STREAM_READ(4), ASYNC(10),
    TASK_GET(6), TASK_LIST(3), QUEUE_STATUS(3), TASK_CANCEL(3), TASK_PRIORITY(2), TASK_EVENTS_ABANDONED(4),
    SESSIONS_LIST(3), SESSIONS_SEARCH(2), SESSION_GET(3), MESSAGES(3), SESSION_STATS(2), STREAM_STATUS(2),
    PROJECTS(2), PROJECT_STATS(1), BATCH(1), WEBHOOKS(2), DEAD_LETTERS(1);

    final int weight;

    Action(int weight) {
      this.weight = weight;
    }
  }

  /**
   * Refusals that a race between clients makes legitimate, per action: the task ended (or started)
   * before the request reached it; 400 as the Node server answered them.
   */
  private static final Map<Action, Set<Integer>> RACES = Map.of(
      Action.TASK_CANCEL, Set.of(400),
      Action.TASK_PRIORITY, Set.of(400));

  private final int port;
  private final int clients;
  private final Duration duration;
  private final int timeoutMillis;
  private final AtomicReferenceArray<String> sessions = new AtomicReferenceArray<>(256);
  private final AtomicReferenceArray<String> tasks = new AtomicReferenceArray<>(1024);
  private final AtomicLong sessionSlot = new AtomicLong();
  private final AtomicLong taskSlot = new AtomicLong();

  public LoadMix(int port, int clients, Duration duration, Duration requestTimeout) {
    this.port = port;
    this.clients = clients;
    this.duration = duration;
    this.timeoutMillis = (int) requestTimeout.toMillis();
  }

  public Report run() throws InterruptedException {
    Report report = new Report();
    long deadline = System.nanoTime() + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Thread thread = new Thread(() -> client(report, deadline), "load-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return report;
  }

  /** Task ids the mix created (the most recent ones), for checks afterwards. */
  public List<String> recentTasks() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < tasks.length(); i++) {
      if (tasks.get(i) != null) {
        ids.add(tasks.get(i));
      }
    }
    return ids;
  }

  private void client(Report report, long deadline) {
    int total = 0;
    for (Action a : Action.values()) {
      total += a.weight;
    }
    try (RawHttp http = new RawHttp(port, timeoutMillis)) {
      while (System.nanoTime() < deadline) {
        int pick = ThreadLocalRandom.current().nextInt(total);
        Action action = null;
        for (Action a : Action.values()) {
          pick -= a.weight;
          if (pick < 0) {
            action = a;
            break;
          }
        }
        report.requests.incrementAndGet();
        try {
          perform(action, http, report);
        } catch (RawHttp.TransportException e) {
          http.close();
          report.count("failure " + e.failure());
          report.violation(action + ": " + e.getMessage());
        } catch (IOException | RuntimeException e) {
          http.close();
          report.violation(action + ": " + e);
        }
      }
    }
  }

  private void perform(Action action, RawHttp http, Report report) throws IOException {
    String session = pick(sessions);
    String task = pick(tasks);
    switch (action) {
      case HEALTH -> check(action, http.get("/health"), report);
      case SYNC -> check(action, http.postJson("/api/messages", "{\"prompt\":\"wait:20 hello\"}"), report);
      case CREATE_SESSION -> {
        RawHttp.Response r = check(action, http.postJson("/api/sessions",
            "{\"project_path\":\"load\",\"metadata\":{\"client\":\"load\"}}"), report);
        if (r.status() == 201) {
          remember(sessions, sessionSlot, Json.parse(r.text()).path("session").path("id").asText());
        }
      }
      case CONTINUE -> {
        if (session != null) {
          check(action, http.postJson("/api/sessions/" + session + "/continue", "{\"prompt\":\"wait:20 again\"}"), report);
        }
      }
      case STREAM_ABANDONED, STREAM_READ -> {
        if (session != null) {
          stream(action, http, "POST", "/api/sessions/" + session + "/continue/stream",
              "{\"prompt\":\"wait:100 stream\"}", action == Action.STREAM_READ, report);
        }
      }
      case ASYNC -> {
        String prompt = ThreadLocalRandom.current().nextInt(4) == 0 ? "wait:2000 slow task" : "wait:100 task";
        RawHttp.Response r = check(action, http.postJson("/api/async/messages", "{\"prompt\":\"" + prompt
            + "\",\"priority\":" + (1 + ThreadLocalRandom.current().nextInt(10)) + "}"), report);
        if (r.status() == 202) {
          remember(tasks, taskSlot, Json.parse(r.text()).path("task_id").asText());
        }
      }
      case TASK_GET -> {
        if (task != null) {
          check(action, http.get("/api/tasks/" + task), report);
        }
      }
      case TASK_LIST -> check(action, http.get("/api/tasks?limit=50"), report);
      case QUEUE_STATUS -> check(action, http.get("/api/tasks/queue/status"), report);
      case TASK_CANCEL -> {
        if (task != null) {
          check(action, http.send("DELETE", "/api/tasks/" + task, Map.of(), null), report);
        }
      }
      case TASK_PRIORITY -> {
        if (task != null) {
          check(action, http.send("PATCH", "/api/tasks/" + task + "/priority", Map.of("Content-Type",
              "application/json"), "{\"priority\":10}".getBytes(StandardCharsets.UTF_8)), report);
        }
      }
      case TASK_EVENTS_ABANDONED -> {
        if (task != null) {
          stream(action, http, "GET", "/api/tasks/" + task + "/events", null, false, report);
        }
      }
      case SESSIONS_LIST -> check(action, http.get("/api/sessions?limit=50"), report);
      case SESSIONS_SEARCH -> check(action, http.get("/api/sessions/search?q=load&limit=20"), report);
      case SESSION_GET -> {
        if (session != null) {
          check(action, http.get("/api/sessions/" + session), report);
        }
      }
      case MESSAGES -> {
        if (session != null) {
          check(action, http.get("/api/sessions/" + session + "/messages?limit=20"), report);
        }
      }
      case SESSION_STATS -> {
        if (session != null) {
          check(action, http.get("/api/sessions/" + session + "/stats"), report);
        }
      }
      case STREAM_STATUS -> {
        if (session != null) {
          check(action, http.get("/api/sessions/" + session + "/stream/status"), report);
        }
      }
      case PROJECTS -> check(action, http.get("/api/projects?limit=20"), report);
      case PROJECT_STATS -> check(action, http.get("/api/projects/stats"), report);
      case BATCH -> check(action, http.postJson("/api/messages/batches",
          "{\"prompts\":[\"wait:50 one\",\"wait:50 two\"]}"), report);
      case WEBHOOKS -> {
        if (task != null) {
          check(action, http.get("/api/tasks/" + task + "/webhooks"), report);
        }
      }
      case DEAD_LETTERS -> check(action, http.get("/api/tasks/dead-letter?limit=10"), report);
      default -> throw new IllegalStateException(action.toString());
    }
  }

  /**
   * Opens a stream; reads its first event and hangs up, or reads it to the end. A refusal comes as a
   * JSON answer before any event.
   */
  private void stream(Action action, RawHttp http, String method, String path, String json, boolean toTheEnd,
      Report report) throws IOException {
    byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = json == null ? Map.of() : Map.of("Content-Type", "application/json");
    RawHttp.Response head = http.openStream(method, path, headers, body);
    try {
      String type = head.header("content-type");
      if (head.status() != 200 || type == null || !type.startsWith("text/event-stream")) {
        // A refusal: read it whole, as a plain answer.
        byte[] content = readRest(http.in(), head);
        check(action, new RawHttp.Response(head.status(), head.headers(), content), report);
        return;
      }
      report.count(action + " 200");
      InputStream in = http.in();
      long end = System.nanoTime() + Duration.ofMillis(timeoutMillis).toNanos();
      // The stream ends with its terminal event; the connection may stay open after it.
      StringBuilder seen = new StringBuilder();
      byte[] buffer = new byte[4096];
      while (System.nanoTime() < end) {
        int n = in.read(buffer);
        if (n < 0) {
          if (toTheEnd && !seen.toString().contains("event: done") && !seen.toString().contains("event: error")) {
            report.violation(action + ": the stream ended without a terminal event");
          }
          return;
        }
        seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        if (!toTheEnd && seen.indexOf("\n\n", seen.indexOf("event:")) > 0) {
          return; // abandoned after the first event
        }
        int terminal = Math.max(seen.indexOf("event: done"), seen.indexOf("event: error"));
        if (toTheEnd && terminal >= 0 && seen.indexOf("\n\n", terminal) > 0) {
          return;
        }
      }
    } finally {
      http.close();
    }
  }

  private static byte[] readRest(InputStream in, RawHttp.Response head) throws IOException {
    String length = head.header("content-length");
    if (length != null) {
      return in.readNBytes(Integer.parseInt(length));
    }
    return in.readAllBytes();
  }

  private RawHttp.Response check(Action action, RawHttp.Response r, Report report) {
    report.count(action + " " + r.status());
    int status = r.status();
    boolean ok = status / 100 == 2 && (r.isJson() || r.body().length == 0);
    boolean shed = (status == 429 || status == 503) && r.isJson() && r.header("retry-after") != null;
    boolean race = RACES.getOrDefault(action, Set.of()).contains(status) && r.isJson();
    if (!ok && !shed && !race) {
      report.violation(action + ": " + r);
    }
    return r;
  }

  private static String pick(AtomicReferenceArray<String> ids) {
    return ids.get(ThreadLocalRandom.current().nextInt(ids.length()));
  }

  private static void remember(AtomicReferenceArray<String> ids, AtomicLong slot, String id) {
    ids.set((int) (slot.getAndIncrement() % ids.length()), id);
  }

  /** Runs the mix against a server on {@code port}: {@code LoadMix PORT [CLIENTS] [SECONDS]}. */
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    Report report = new LoadMix(port, clients, Duration.ofSeconds(seconds), Duration.ofSeconds(30)).run();
    System.out.println(report);
  }

  static JsonNode json(RawHttp.Response r) throws IOException {
    return Json.parse(r.text());
  }
}
