package dev.ccs.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Writes a Node server's home as the Node server leaves it (seed §5, §6.1, §8.1, §11.3, §13.1):
 * {@code config.json}, {@code data/sessions/sessions.json} and {@code data/tasks/tasks.json} (LowDB's
 * {@code {"sessions": [...]}}), {@code data/messages/<id>.json} (pretty-printed, as
 * {@code JSON.stringify(data, null, 2)} writes them), {@code data/statistics/statistics.json} and
 * {@code provider/<id>.json}. With {@code damaged}, it adds the records the Node server is known to
 * lose or tear (seed defects #25, #26) and some that make no sense, and {@link Expected} says
 * exactly what an import must make of them.
 */
public final class NodeDataDir {

  /** What a first import (without {@code --requeue}) of the generated home must report and store. */
  public record Expected(int sessionsImported, int sessionsUnreadable, int messagesImported, int messagesUnreadable,
      int tasksFinished, int tasksWaiting, int tasksUnreadable, int providerSettings, int providerUnreadable,
      List<UUID> sessionIds, long totalRequests) {
  }

  /** Each exchange is a user message and its answer. */
  public record Spec(int sessions, int exchangesPerSession, int tasks, boolean damaged) {
  }

  private static final Instant START = Instant.parse("2026-10-01T08:00:00Z");

  private NodeDataDir() {
  }

  public static Expected write(Path home, Spec spec) {
    try {
      return new Writer(home, spec).write();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Writer {
    private final Path home;
    private final Spec spec;
    private final Path data;
    private final Random random = new Random(42);

    Writer(Path home, Spec spec) {
      this.home = home;
      this.spec = spec;
      this.data = home.resolve("data");
    }

    Expected write() throws IOException {
      Files.createDirectories(data.resolve("sessions"));
      Files.createDirectories(data.resolve("messages"));
      Files.createDirectories(data.resolve("tasks"));
      Files.createDirectories(data.resolve("statistics"));
      Files.createDirectories(home.resolve("provider"));
      Path workspace = home.resolve("workspace");
      Files.createDirectories(workspace);
      Files.writeString(home.resolve("config.json"), nodeJson(Json.object().put("port", 5546)
          .put("host", "0.0.0.0").put("workspacePath", workspace.toString()).put("dataDir", data.toString())));

      int exchanges = spec.exchangesPerSession();
      ArrayNode sessions = Json.mapper().createArrayNode();
      List<UUID> ids = new ArrayList<>();
      int messages = 0;
      int messagesUnreadable = 0;
      for (int i = 0; i < spec.sessions(); i++) {
        UUID id = new UUID(0x4000_0000_0000_4000L | i, 0x8000_0000_0000_0000L | i);
        ids.add(id);
        Instant created = START.plusSeconds(600L * i);
        String project = workspace.resolve("project-" + (i % 7)).toString();
        boolean torn = spec.damaged() && (i == 10 || i == 20);
        boolean strange = spec.damaged() && i == 30;
        String text = history(id, project, created, exchanges, strange);
        if (torn) {
          // The Node server rewrites a history in place: a crash leaves the first part.
          text = text.substring(0, cutAfterMessage(text, 3) + 12);
          messages += 3;
          messagesUnreadable++;
        } else {
          messages += 2 * exchanges;
        }
        if (strange) {
          messagesUnreadable++;
        }
        Files.writeString(data.resolve("messages").resolve(id + ".json"), text);
        sessions.add(session(id, created, project, exchanges));
      }
      int sessionsImported = spec.sessions();
      int sessionsUnreadable = 0;
      if (spec.damaged()) {
        sessions.add(session(ids.get(0), START, "/elsewhere", 1)); // a second record with the same id
        sessions.add(((ObjectNode) session(UUID.randomUUID(), START, "/p", 0)).put("id", "not-a-uuid"));
        sessions.add(((ObjectNode) session(UUID.randomUUID(), START, "/p", 0)).put("id", "../../etc/passwd"));
        ObjectNode noProject = (ObjectNode) session(UUID.randomUUID(), START, "/p", 0);
        noProject.remove("project_path");
        sessions.add(noProject);
        sessions.add(((ObjectNode) session(UUID.randomUUID(), START, "/p", 0)).put("status", "deleted"));
        sessionsUnreadable += 5;
        // Histories whose records the Node server lost: two say where they ran, one does not.
        for (int k = 0; k < 3; k++) {
          UUID lost = UUID.randomUUID();
          String text = history(lost, k < 2 ? workspace.resolve("lost").toString() : null, START, exchanges, false);
          Files.writeString(data.resolve("messages").resolve(lost + ".json"), text);
          if (k < 2) {
            sessionsImported++;
            messages += 2 * exchanges;
            ids.add(lost);
          } else {
            sessionsUnreadable++;
          }
        }
        Files.writeString(data.resolve("messages").resolve("bogus.json"), "{\"messages\": []}");
        messagesUnreadable++;
      }
      Files.writeString(data.resolve("sessions").resolve("sessions.json"),
          nodeJson(Json.object().set("sessions", sessions)));

      int[] tasks = writeTasks(ids, workspace);
      long requests = writeStatistics();
      int providers = 2;
      Files.writeString(home.resolve("provider").resolve("main.json"),
          "{\n  \"env\": {\n    \"ANTHROPIC_API_KEY\": \"sk-node-main\"\n  }\n}");
      Files.writeString(home.resolve("provider").resolve("backup.json"),
          "{\n  \"env\": {\n    \"ANTHROPIC_BASE_URL\": \"http://127.0.0.1:9\"\n  }\n}");
      int providerUnreadable = 0;
      if (spec.damaged()) {
        Files.writeString(home.resolve("provider").resolve("half.json"), "{\"env\": {\"ANTH");
        providerUnreadable++;
      }
      return new Expected(sessionsImported, sessionsUnreadable, messages, messagesUnreadable, tasks[0], tasks[1],
          tasks[2], providers, providerUnreadable, List.copyOf(ids), requests);
    }

    private static int cutAfterMessage(String text, int count) {
      int at = text.indexOf("\"messages\": [");
      for (int i = 0; i < count; i++) {
        at = text.indexOf("\n    }", at + 1);
      }
      return at + "\n    }".length();
    }

    private ObjectNode session(UUID id, Instant created, String project, int runs) {
      ObjectNode node = Json.object();
      node.put("id", id.toString()).put("created_at", created.toString())
          .put("updated_at", created.plusSeconds(60L * runs).toString()).put("model", "claude-sonnet-4-5")
          .put("project_path", project).put("total_cost_usd", new BigDecimal("0.0123").multiply(BigDecimal.valueOf(runs)))
          .put("messages_count", runs).put("status", "active");
      node.putObject("metadata").put("team", "node-" + (id.getLeastSignificantBits() & 3));
      return node;
    }

    /** A history file: {@code exchanges} prompts and answers; {@code strange} adds a message of an unknown role. */
    private String history(UUID id, String project, Instant start, int exchanges, boolean strange) {
      ObjectNode root = Json.object().put("session_id", id.toString());
      ArrayNode list = root.putArray("messages");
      BigDecimal total = BigDecimal.ZERO;
      for (int e = 0; e < exchanges; e++) {
        Instant at = start.plusSeconds(60L * e);
        ObjectNode user = list.addObject().put("id", messageId()).put("session_id", id.toString()).put("role", "user")
            .put("content", "question " + e + " " + "x".repeat(random.nextInt(200))).put("created_at", at.toString());
        ObjectNode userMeta = user.putObject("metadata").put("prompt", "question " + e).put("model", "claude-sonnet-4-5");
        if (project != null) {
          userMeta.put("project_path", project);
        }
        if (strange && e == 1) {
          list.addObject().put("id", messageId()).put("session_id", id.toString()).put("role", "system")
              .put("content", "?").put("created_at", at.toString());
        }
        total = total.add(new BigDecimal("0.0123"));
        ObjectNode answer = list.addObject().put("id", messageId()).put("session_id", id.toString())
            .put("role", "assistant").put("content", "answer " + e).put("created_at", at.plusSeconds(5).toString());
        answer.putObject("metadata").put("cost_usd", total).put("duration_ms", 4000).put("model", "claude-sonnet-4-5")
            .putObject("usage").put("input_tokens", 10).put("output_tokens", 20);
      }
      root.put("count", list.size()).put("updated_at", start.toString());
      return nodeJson(root);
    }

    private String messageId() {
      return "msg_" + String.format("%016x", random.nextLong());
    }

    /** Returns {finished, waiting, unreadable}. */
    private int[] writeTasks(List<UUID> sessions, Path workspace) throws IOException {
      String[] statuses = {"completed", "completed", "failed", "cancelled", "completed", "pending", "processing",
          "completed", "failed", "completed"};
      ArrayNode tasks = Json.mapper().createArrayNode();
      int finished = 0;
      int waiting = 0;
      for (int i = 0; i < spec.tasks(); i++) {
        String status = statuses[i % statuses.length];
        Instant created = START.plusSeconds(300L * i);
        ObjectNode task = tasks.addObject().put("id", UUID.randomUUID().toString())
            .put("created_at", created.toString()).put("updated_at", created.plusSeconds(30).toString())
            .put("status", status).put("prompt", "task " + i).put("project_path", workspace.toString())
            .put("model", "claude-sonnet-4-5").put("priority", 1 + i % 10);
        boolean done = !status.equals("pending") && !status.equals("processing");
        task.put("result", status.equals("completed") ? "done " + i : null)
            .put("error", status.equals("failed") ? "Task execution timeout" : null)
            .put("started_at", done || status.equals("processing") ? created.plusSeconds(1).toString() : null)
            .put("completed_at", done ? created.plusSeconds(30).toString() : null)
            .put("duration_ms", done ? 29000 : null).put("cost_usd", done ? 0.01 : 0).putNull("session_id");
        ObjectNode meta = task.putObject("metadata").put("webhook_url", "https://hooks.example/" + i)
            .put("system_prompt", "be brief").put("client_tag", "t" + i);
        meta.putObject("provider").put("id", "main").put("apiKey", "sk-must-not-be-imported");
        if (i % 3 == 0 && !sessions.isEmpty()) {
          meta.put("session_id", sessions.get(i % sessions.size()).toString());
        }
        if (done) {
          finished++;
        } else {
          waiting++;
        }
      }
      int unreadable = 0;
      if (spec.damaged()) {
        tasks.addObject().put("id", UUID.randomUUID().toString()).put("created_at", START.toString())
            .put("status", "completed").put("priority", 11).put("prompt", "too urgent");
        tasks.addObject().put("id", UUID.randomUUID().toString()).put("created_at", START.toString())
            .put("status", "completed").put("priority", 5);
        tasks.addObject().put("id", "1").put("status", "pending").put("prompt", "x");
        unreadable = 3;
      }
      Files.writeString(data.resolve("tasks").resolve("tasks.json"), nodeJson(Json.object().set("tasks", tasks)));
      return new int[] {finished, waiting, unreadable};
    }

    /** Ten days of counts; returns the all-time request count. */
    private long writeStatistics() throws IOException {
      ObjectNode root = Json.object();
      ArrayNode daily = root.putArray("daily");
      long total = 0;
      for (int d = 0; d < 10; d++) {
        int requests = 10 + d;
        total += requests;
        ObjectNode day = daily.addObject().put("date", START.plusSeconds(86_400L * d).toString().substring(0, 10))
            .put("total_requests", requests).put("successful_requests", requests - 1).put("failed_requests", 1)
            .put("total_cost_usd", 0.1 * requests + 0.00000000000000006).put("total_input_tokens", 100 * requests)
            .put("total_output_tokens", 200 * requests).put("avg_duration_ms", 0);
        day.putObject("models").put("claude-sonnet-4-5", requests);
      }
      root.putObject("requests").put("total", total).put("successful", total - 10).put("failed", 10);
      root.putObject("tokens").put("total_input", 100 * total).put("total_output", 200 * total);
      root.putObject("costs").put("total_usd", 0.1 * total);
      root.putObject("models").putObject("claude-sonnet-4-5").put("count", total).put("cost_usd", 0.1 * total);
      root.putArray("audit_logs").addObject().put("type", "auth_failure");
      Files.writeString(data.resolve("statistics").resolve("statistics.json"), nodeJson(root));
      return total;
    }
  }

  /** JSON as {@code JSON.stringify(value, null, 2)} writes it (the Node server's files). */
  public static String nodeJson(com.fasterxml.jackson.databind.JsonNode value) {
    com.fasterxml.jackson.core.util.DefaultIndenter indenter = new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n");
    com.fasterxml.jackson.core.util.DefaultPrettyPrinter printer = new com.fasterxml.jackson.core.util.DefaultPrettyPrinter()
        .withSeparators(com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER))
        .withObjectIndenter(indenter).withArrayIndenter(indenter);
    try {
      return Json.mapper().writer(printer).writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
