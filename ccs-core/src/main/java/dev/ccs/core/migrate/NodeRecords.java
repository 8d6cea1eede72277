package dev.ccs.core.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.exec.PermissionMode;
import dev.ccs.core.json.Json;
import dev.ccs.core.money.Usd;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionStatus;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.stats.RunSample;
import dev.ccs.core.task.NewTask;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskStatus;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The Node server's records ({@code ../shared/seed-api.md} §5.1, §5.2, §6.1) turned into ours. Each
 * method checks what it reads and throws {@link Unreadable} with the reason when a record cannot be
 * taken; nothing here touches a file.
 */
final class NodeRecords {

  /** A record that cannot be imported, and why. */
  static final class Unreadable extends Exception {
    Unreadable(String reason) {
      super(reason, null, false, false);
    }
  }

  /** The value of {@link RunSample#IMPORTED_FROM} on every imported message. */
  static final String SOURCE = "node";

  private static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  /** Task metadata fields that become options (or the webhook and session) of ours. */
  private static final List<String> TASK_OPTION_FIELDS = List.of("session_id", "webhook_url", "system_prompt",
      "max_budget_usd", "allowed_tools", "disallowed_tools", "agent", "mcp_config", "permission_mode", "provider");

  private NodeRecords() {
  }

  static UUID uuid(JsonNode node, String field) throws Unreadable {
    String text = node.path(field).asText("");
    try {
      UUID id = UUID.fromString(text);
      if (!id.toString().equals(text.toLowerCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException();
      }
      return id;
    } catch (IllegalArgumentException e) {
      throw new Unreadable("\"" + field + "\" is not a UUID: " + abbreviate(node.path(field).toString()));
    }
  }

  static Instant instant(JsonNode node, String field) throws Unreadable {
    try {
      return Instant.parse(node.path(field).asText(""));
    } catch (DateTimeParseException e) {
      throw new Unreadable("\"" + field + "\" is not an ISO time: " + abbreviate(node.path(field).toString()));
    }
  }

  private static BigDecimal money(JsonNode node, String field) throws Unreadable {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return BigDecimal.ZERO;
    }
    if (!value.isNumber() || value.decimalValue().signum() < 0) {
      throw new Unreadable("\"" + field + "\" is not an amount: " + abbreviate(value.toString()));
    }
    return Usd.normalize(value.decimalValue());
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() || !value.isValueNode() || value.asText().isEmpty() ? null : value.asText();
  }

  /**
   * A session from its record and the history read for it. Its CLI session exists once it has run:
   * the next turn resumes it (the Node server's id is the CLI's), and the CLI's running cost total is
   * the last answer's {@code cost_usd} (the Node server stored each run's total as reported).
   */
  static Session session(JsonNode node, List<StoredMessage> history) throws Unreadable {
    if (!node.isObject()) {
      throw new Unreadable("not an object");
    }
    UUID id = uuid(node, "id");
    Instant created = instant(node, "created_at");
    Instant updated = node.hasNonNull("updated_at") ? instant(node, "updated_at") : created;
    String project = text(node, "project_path");
    if (project == null) {
      throw new Unreadable("no \"project_path\"");
    }
    SessionStatus status = SessionStatus.fromWireName(node.path("status").asText("active"))
        .orElseThrow(() -> new Unreadable("\"status\" is not one of " + SessionStatus.wireNames() + ": "
            + abbreviate(node.path("status").toString())));
    JsonNode count = node.path("messages_count");
    int runs = count.canConvertToInt() && count.asInt() >= 0 ? count.asInt() : 0;
    JsonNode metadata = node.get("metadata");
    return session(id, created, updated, text(node, "model"), project, money(node, "total_cost_usd"), runs, status,
        metadata != null && metadata.isObject() ? metadata : Json.object(), history);
  }

  static Session session(UUID id, Instant created, Instant updated, String model, String project, BigDecimal cost,
      int runs, SessionStatus status, JsonNode metadata, List<StoredMessage> history) {
    BigDecimal cliTotal = BigDecimal.ZERO;
    boolean answered = false;
    for (StoredMessage message : history) {
      if (message.role().equals("assistant")) {
        answered = true;
        JsonNode c = message.metadata().get("cost_usd");
        if (c != null && c.isNumber() && c.decimalValue().signum() >= 0) {
          cliTotal = c.decimalValue();
        }
      }
    }
    boolean started = runs > 0 || answered;
    return new Session(id, created, updated.isBefore(created) ? created : updated, model, project, cost, runs, status,
        Session.json(metadata), null, started, cliTotal, started ? List.of(id.toString()) : List.of(), "{}", null, 0);
  }

  /**
   * A message of a session's history; one without an id gets one derived from its session and
   * position (the same on every run, so a repeated import makes the same ids).
   */
  static StoredMessage message(JsonNode node, UUID sessionId, int index) throws Unreadable {
    if (!node.isObject()) {
      throw new Unreadable("not an object");
    }
    String role = node.path("role").asText("");
    if (!role.equals("user") && !role.equals("assistant")) {
      throw new Unreadable("\"role\" is not user or assistant: " + abbreviate(node.path("role").toString()));
    }
    if (node.hasNonNull("session_id") && !node.get("session_id").asText().equals(sessionId.toString())) {
      throw new Unreadable("belongs to session " + abbreviate(node.get("session_id").asText()));
    }
    String id = node.path("id").asText("");
    if (!MESSAGE_ID.matcher(id).matches()) {
      id = "msg_" + UUID.nameUUIDFromBytes((sessionId + "/" + index).getBytes(StandardCharsets.UTF_8))
          .toString().replace("-", "").substring(0, 16);
    }
    JsonNode content = node.get("content");
    ObjectNode metadata = node.get("metadata") instanceof ObjectNode m ? m.deepCopy() : Json.object();
    if (node.hasNonNull("status") && !metadata.has("status")) {
      metadata.put("status", node.get("status").asText());
    }
    metadata.put(RunSample.IMPORTED_FROM, SOURCE);
    return new StoredMessage(id, sessionId, role, content == null || content.isNull() ? ""
        : content.isTextual() ? content.asText() : content.toString(), instant(node, "created_at"), metadata);
  }

  /**
   * A task. A waiting or running one (the Node server ran it again at its next start) is queued
   * again, from the start; a finished one is kept as history. The Node task's options live in its
   * metadata; the provider it carried (with its API key) is dropped.
   *
   * @param sessionOfTask the session it runs in when its metadata names none
   */
  static Task task(JsonNode node, long sequence, String defaultProject, UUID sessionOfTask) throws Unreadable {
    if (!node.isObject()) {
      throw new Unreadable("not an object");
    }
    UUID id = uuid(node, "id");
    TaskStatus status = TaskStatus.fromWireName(node.path("status").asText(""))
        .orElseThrow(() -> new Unreadable("\"status\" is not a task status: " + abbreviate(node.path("status")
            .toString())));
    String prompt = text(node, "prompt");
    if (prompt == null) {
      throw new Unreadable("no \"prompt\"");
    }
    JsonNode priorityNode = node.path("priority");
    int priority = priorityNode.isNumber() ? (int) Math.round(priorityNode.asDouble()) : NewTask.DEFAULT_PRIORITY;
    if (priority < NewTask.MIN_PRIORITY || priority > NewTask.MAX_PRIORITY) {
      throw new Unreadable("\"priority\" is not 1-10: " + priorityNode);
    }
    Instant created = instant(node, "created_at");
    Instant updated = node.hasNonNull("updated_at") ? instant(node, "updated_at") : created;
    JsonNode meta = node.get("metadata") instanceof ObjectNode m ? m : Json.object();
    UUID session = sessionOfTask;
    if (meta.hasNonNull("session_id")) {
      session = uuid(meta, "session_id");
    } else if (node.hasNonNull("session_id")) {
      session = uuid(node, "session_id");
    }
    String project = text(node, "project_path");
    RunOptions options = options(node, meta);
    ObjectNode clientMetadata = meta.deepCopy();
    clientMetadata.remove(TASK_OPTION_FIELDS);
    String webhook = text(meta, "webhook_url");
    Task.SessionRef ref = new Task.SessionRef(session, project != null ? project : defaultProject);
    NewTask request = NewTask.builder(prompt).priority(priority).options(options).webhookUrl(webhook)
        .metadata(clientMetadata).build();
    Task pending = Task.pending(request, id, sequence, created, ref, new Task.IdempotencyRef(null, null), null);
    if (!status.terminal()) {
      return pending;
    }
    return pending.toBuilder().updatedAt(updated.isBefore(created) ? created : updated).status(status)
        .result(text(node, "result")).error(text(node, "error"))
        .startedAt(node.hasNonNull("started_at") ? instant(node, "started_at") : null)
        .completedAt(node.hasNonNull("completed_at") ? instant(node, "completed_at") : updated)
        .durationMs(node.path("duration_ms").isNumber() ? node.get("duration_ms").asLong() : null)
        .costUsd(money(node, "cost_usd")).attempts(node.hasNonNull("started_at") ? 1 : 0).build();
  }

  private static RunOptions options(JsonNode task, JsonNode meta) throws Unreadable {
    PermissionMode mode = null;
    if (text(meta, "permission_mode") != null) {
      mode = PermissionMode.fromWireName(meta.get("permission_mode").asText())
          .orElseThrow(() -> new Unreadable("\"metadata.permission_mode\" is not a permission mode"));
    }
    try {
      return RunOptions.builder().model(text(task, "model")).systemPrompt(text(meta, "system_prompt"))
          .maxBudgetUsd(meta.hasNonNull("max_budget_usd") ? money(meta, "max_budget_usd") : null)
          .allowedTools(strings(meta.get("allowed_tools"))).disallowedTools(strings(meta.get("disallowed_tools")))
          .agent(text(meta, "agent")).mcpConfig(text(meta, "mcp_config")).permissionMode(mode).build();
    } catch (IllegalArgumentException e) {
      throw new Unreadable(e.getMessage());
    }
  }

  private static List<String> strings(JsonNode node) {
    List<String> list = new ArrayList<>();
    if (node != null && node.isArray()) {
      node.forEach(item -> list.add(item.asText()));
    }
    return list;
  }

  static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
