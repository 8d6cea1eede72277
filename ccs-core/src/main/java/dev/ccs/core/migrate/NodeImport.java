package dev.ccs.core.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.balance.ProviderSettings;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.json.Json;
import dev.ccs.core.migrate.ImportReport.Kind;
import dev.ccs.core.migrate.NodeRecords.Unreadable;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionStatus;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.session.SessionStorage;
import dev.ccs.core.stats.StatisticsImport;
import dev.ccs.core.stats.StatisticsStore;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Brings a Node server's data into a ccs store: sessions with their histories, tasks, statistics
 * and provider settings. The Node files are only read. Each record is imported at most once: one
 * already in the store is skipped, so a second run imports nothing twice, and a run ended at any
 * moment (even by SIGKILL) is finished by the next. A session and its history are stored in one
 * durable write (a crash leaves all of it or none); a task is durable before the next is read; the
 * statistics carry the import's id in the same write as its counts. Records that cannot be read are
 * reported with their file and reason and never stop the import.
 *
 * <p>Run it on a store no server has open (the file store's lock refuses a second owner).
 */
public final class NodeImport {

  /**
   * @param requeue whether tasks that were waiting or running in the Node server are queued again
   *     (they run when the server starts); without it they are skipped and reported
   * @param defaultProjectPath where tasks without a project ran (the Node server's workspace)
   * @param sessionRetention the store's {@code sessionRetentionDays}, or null for none: imported
   *     sessions older than that are counted in a note (the server's retention removes them; the
   *     Node server never did)
   * @param allowedProject whether a directory lies inside the server's project roots, or null not
   *     to check: the directories of imported sessions outside them are named in a note (the Node
   *     server ran anywhere; ccs refuses their turns until a root covers them)
   */
  public record Options(boolean requeue, String defaultProjectPath, java.time.Duration sessionRetention,
      java.util.function.Predicate<String> allowedProject) {

    public Options(boolean requeue, String defaultProjectPath, java.time.Duration sessionRetention) {
      this(requeue, defaultProjectPath, sessionRetention, null);
    }
  }

  /** Told how far each kind has got, out of {@code total} (counted by a first pass over the file). */
  @FunctionalInterface
  public interface Progress {
    void step(Kind kind, int done, int total);

    Progress NONE = (kind, done, total) -> { };
  }

  private final SessionStorage storage;
  private final TaskStore tasks;
  private final StatisticsStore statistics;
  private final ProviderSettings providerSettings;
  private final Clock clock;

  /**
   * @param statistics the statistics snapshot's store (no {@code Statistics} may have it open)
   * @param providerSettings where provider settings go, or null to leave them out
   */
  public NodeImport(SessionStorage storage, TaskStore tasks, StatisticsStore statistics,
      ProviderSettings providerSettings, Clock clock) {
    this.storage = storage;
    this.tasks = tasks;
    this.statistics = statistics;
    this.providerSettings = providerSettings;
    this.clock = clock;
  }

  public ImportReport run(NodeHome home, Options options, Progress progress) throws IOException {
    ImportReport report = new ImportReport();
    ImportedSessions observed = new ImportedSessions(options.sessionRetention() == null ? null
        : clock.instant().minus(options.sessionRetention()), options.allowedProject());
    Set<UUID> sessions = importSessions(home, report, progress, observed);
    observed.addNotes(report);
    importTasks(home, options, sessions, report, progress);
    importStatistics(home, report, progress);
    importProviderSettings(home, report, progress);
    return report;
  }

  // ---------------------------------------------------------------- sessions

  /** Imports the sessions and their histories; returns the ids of every Node session now in the store. */
  private Set<UUID> importSessions(NodeHome home, ImportReport report, Progress progress,
      Consumer<Session> imported) throws IOException {
    Path file = home.sessionsFile();
    String name = home.dataDir().relativize(file).toString();
    Set<UUID> present = new HashSet<>();
    Set<UUID> seen = new HashSet<>();
    if (Files.isRegularFile(file)) {
      int total = NodeJsonList.read(file, "sessions", node -> { }).records();
      int[] done = {0};
      NodeJsonList.Outcome outcome = NodeJsonList.read(file, "sessions", node -> {
        done[0]++;
        try {
          importSession(home, node, seen, present, report, imported);
        } catch (Unreadable e) {
          report.unreadable(Kind.SESSIONS, name, recordName(node, done[0]), e.getMessage());
        }
        progress.step(Kind.SESSIONS, done[0], total);
      });
      if (!outcome.whole()) {
        report.unreadable(Kind.SESSIONS, name, "after record " + outcome.records(), outcome.problem()
            + "; the records after it are lost (their histories are imported below when they have one)");
      }
    }
    importOrphanHistories(home, present, report, imported);
    return present;
  }

  /**
   * One session record. Its id goes into {@code present} once the session is in the store (a
   * history whose record is unreadable is then rebuilt by {@link #importOrphanHistories}).
   */
  private void importSession(NodeHome home, JsonNode node, Set<UUID> seen, Set<UUID> present, ImportReport report,
      Consumer<Session> imported) throws Unreadable {
    UUID id = NodeRecords.uuid(node, "id");
    if (!seen.add(id)) {
      throw new Unreadable("a second record with this id (the first one is the one imported)");
    }
    Path messages = home.messagesFile(id.toString());
    if (storage.sessions().get(id).isPresent()) {
      present.add(id);
      report.skipped(Kind.SESSIONS, 1);
      report.skipped(Kind.MESSAGES, countMessages(messages));
      return;
    }
    // Checked before the history is read, so that an unreadable record's messages are reported once (below).
    NodeRecords.session(node, List.of());
    List<StoredMessage> history = readHistory(home, id, report);
    Session session = NodeRecords.session(node, history);
    store(session, history);
    present.add(id);
    report.imported(Kind.SESSIONS, 1);
    report.imported(Kind.MESSAGES, history.size());
    imported.accept(session);
  }

  /**
   * Histories whose session record is missing (the Node server loses records: seed defects #25 and
   * #26): the session is rebuilt from its messages when they say where it ran, else reported.
   */
  private void importOrphanHistories(NodeHome home, Set<UUID> present, ImportReport report,
      Consumer<Session> imported) throws IOException {
    if (!Files.isDirectory(home.messagesDir())) {
      return;
    }
    Set<String> names = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(home.messagesDir(), "*.json")) {
      files.forEach(f -> names.add(f.getFileName().toString()));
    }
    for (String fileName : names) {
      String idText = fileName.substring(0, fileName.length() - ".json".length());
      String name = "messages/" + fileName;
      UUID id;
      try {
        id = NodeRecords.uuid(Json.object().put("id", idText), "id");
      } catch (Unreadable e) {
        report.unreadable(Kind.MESSAGES, name, idText, "the file name is not a session id");
        continue;
      }
      if (present.contains(id)) {
        continue;
      }
      present.add(id);
      if (storage.sessions().get(id).isPresent()) {
        report.skipped(Kind.SESSIONS, 1);
        report.skipped(Kind.MESSAGES, countMessages(home.messagesFile(idText)));
        continue;
      }
      List<StoredMessage> history = readHistory(home, id, report);
      String project = history.stream().map(m -> m.metadata().path("project_path").asText(""))
          .filter(p -> !p.isEmpty()).findFirst().orElse(null);
      if (history.isEmpty() || project == null) {
        report.unreadable(Kind.SESSIONS, name, idText, "a history without a session record, and no message "
            + "says where the session ran; not imported");
        continue;
      }
      String model = history.stream().map(m -> m.metadata().path("model").asText("")).filter(m -> !m.isEmpty())
          .findFirst().orElse(null);
      Session session = NodeRecords.session(id, history.get(0).createdAt(), history.get(history.size() - 1).createdAt(),
          model, project, java.math.BigDecimal.ZERO, (int) history.stream().filter(m -> m.role().equals("assistant"))
              .count(), SessionStatus.ACTIVE, Json.object().put("rebuilt_by_import", true), history);
      store(session, history);
      report.imported(Kind.SESSIONS, 1);
      report.imported(Kind.MESSAGES, history.size());
      imported.accept(session);
      report.repaired(Kind.SESSIONS, name, idText, "its record in sessions/sessions.json is missing or "
          + "unreadable: rebuilt from its history (cost unknown, counted as 0)");
    }
  }

  /**
   * Stores a session and its history in one durable write. A history left by an import that a
   * crash ended before the session was stored is removed first, so nothing is appended twice.
   */
  private void store(Session session, List<StoredMessage> history) {
    storage.messages().purgeHistory(session.id());
    if (history.isEmpty()) {
      storage.sessions().create(session, true);
      return;
    }
    Session created = storage.sessions().create(session, false);
    storage.recordTurn(created, history);
  }

  /** The readable messages of a session's history file (none when it has no file). */
  private List<StoredMessage> readHistory(NodeHome home, UUID id, ImportReport report) {
    Path file = home.messagesFile(id.toString());
    String name = "messages/" + file.getFileName();
    List<StoredMessage> history = new ArrayList<>();
    int[] index = {0};
    try {
      NodeJsonList.Outcome outcome = NodeJsonList.read(file, "messages", node -> {
        int position = index[0]++;
        try {
          history.add(NodeRecords.message(node, id, position));
        } catch (Unreadable e) {
          report.unreadable(Kind.MESSAGES, name, recordName(node, position + 1), e.getMessage());
        }
      });
      if (!outcome.whole()) {
        report.unreadable(Kind.MESSAGES, name, "after message " + outcome.records(), outcome.problem()
            + "; the messages before it are imported");
      }
    } catch (NoSuchFileException e) {
      // A session that never ran, or one from before the Node server kept histories.
    } catch (IOException e) {
      report.unreadable(Kind.MESSAGES, name, id.toString(), "cannot read: " + e.getMessage());
    }
    return history;
  }

  private static int countMessages(Path file) {
    try {
      return NodeJsonList.read(file, "messages", node -> { }).records();
    } catch (IOException e) {
      return 0;
    }
  }

  // ---------------------------------------------------------------- tasks

  private void importTasks(NodeHome home, Options options, Set<UUID> sessions, ImportReport report,
      Progress progress) throws IOException {
    Path file = home.tasksFile();
    if (!Files.isRegularFile(file)) {
      return;
    }
    String name = home.dataDir().relativize(file).toString();
    int total = NodeJsonList.read(file, "tasks", node -> { }).records();
    long[] sequence = {tasks.maxSequence()};
    int[] done = {0};
    int[] leftWaiting = {0};
    NodeJsonList.Outcome outcome = NodeJsonList.read(file, "tasks", node -> {
      done[0]++;
      try {
        UUID id = NodeRecords.uuid(node, "id");
        if (tasks.get(id).isPresent()) {
          report.skipped(Kind.TASKS, 1);
        } else {
          // A task without a session ran in a session of its own: one derived from its id, made when it runs.
          UUID own = UUID.nameUUIDFromBytes(("ccs-import-task-session:" + id).getBytes(StandardCharsets.UTF_8));
          Task task = NodeRecords.task(node, sequence[0] + 1, options.defaultProjectPath(), own);
          if (!task.status().terminal() && !options.requeue()) {
            report.skipped(Kind.TASKS, 1);
            leftWaiting[0]++;
          } else {
            tasks.create(task);
            sequence[0]++;
            report.imported(Kind.TASKS, 1);
          }
        }
      } catch (Unreadable e) {
        report.unreadable(Kind.TASKS, name, recordName(node, done[0]), e.getMessage());
      }
      progress.step(Kind.TASKS, done[0], total);
    });
    if (!outcome.whole()) {
      report.unreadable(Kind.TASKS, name, "after record " + outcome.records(), outcome.problem());
    }
    if (leftWaiting[0] > 0) {
      report.note(leftWaiting[0] + " task(s) were waiting or running in the Node server and were not queued "
          + "again; run the import again with --requeue to queue them (they run when the server starts)");
    }
  }

  // ---------------------------------------------------------------- statistics and provider settings

  private void importStatistics(NodeHome home, ImportReport report, Progress progress) {
    Path file = home.statisticsFile();
    if (!Files.isRegularFile(file)) {
      return;
    }
    String name = home.dataDir().relativize(file).toString();
    try {
      StatisticsImport.Totals totals = NodeStatistics.read(Json.parse(Files.readString(file)));
      // Named by the file, not its content: counts added once stay added however the file changes.
      String importId = "node:" + file.toAbsolutePath().normalize();
      if (StatisticsImport.add(statistics, importId, totals, clock.instant())) {
        report.imported(Kind.STATISTICS, 1);
      } else {
        report.skipped(Kind.STATISTICS, 1);
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      report.unreadable(Kind.STATISTICS, name, "statistics", "not JSON: " + NodeJsonList.describe(e));
    } catch (IOException | IllegalArgumentException e) {
      report.unreadable(Kind.STATISTICS, name, "statistics", e.getMessage());
    }
    progress.step(Kind.STATISTICS, 1, 1);
  }

  private void importProviderSettings(NodeHome home, ImportReport report, Progress progress) throws IOException {
    if (providerSettings == null || !Files.isDirectory(home.providerDir())) {
      return;
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> found = Files.newDirectoryStream(home.providerDir(), "*.json")) {
      found.forEach(files::add);
    }
    files.sort(null);
    int done = 0;
    for (Path file : files) {
      String fileName = file.getFileName().toString();
      String id = fileName.substring(0, fileName.length() - ".json".length());
      String name = "provider/" + fileName;
      if (!ProviderConfig.validId(id)) {
        report.unreadable(Kind.PROVIDER_SETTINGS, name, id, "not a provider id");
      } else if (providerSettings.exists(id)) {
        report.skipped(Kind.PROVIDER_SETTINGS, 1);
      } else {
        try {
          JsonNode settings = Json.parse(Files.readString(file));
          if (!(settings instanceof ObjectNode object)) {
            throw new IllegalArgumentException("not a JSON object");
          }
          providerSettings.put(id, object);
          report.imported(Kind.PROVIDER_SETTINGS, 1);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          report.unreadable(Kind.PROVIDER_SETTINGS, name, id, "not JSON: " + NodeJsonList.describe(e));
        } catch (IOException | IllegalArgumentException | CcsException e) {
          report.unreadable(Kind.PROVIDER_SETTINGS, name, id, e.getMessage());
        }
      }
      progress.step(Kind.PROVIDER_SETTINGS, ++done, files.size());
    }
  }

  private static String recordName(JsonNode node, int position) {
    String id = node.path("id").asText("");
    return id.isEmpty() ? "record " + position : NodeRecords.abbreviate(id);
  }
}
