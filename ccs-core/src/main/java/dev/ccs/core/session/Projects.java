package dev.ccs.core.session;

import dev.ccs.core.error.CcsException;
import dev.ccs.core.money.Usd;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sessions grouped by working directory: the projects endpoints of the Node server. */
public final class Projects {

  /** Totals over all projects. */
  public record Stats(int totalProjects, int totalSessions, BigDecimal totalCostUsd, long totalMessages,
      ProjectSummary mostExpensive, ProjectSummary mostActive) {
  }

  /** What deleting a project removed. */
  public record Deletion(String projectPath, int deletedSessions, int deletedMessages) {
  }

  /** Orders of {@link #list}. */
  public static final List<String> SORT_KEYS =
      List.of("last_activity", "created_at", "session_count", "total_cost_usd", "messages_count", "project_path");

  private final SessionStorage storage;
  private final SessionManager sessions;
  private final Path workspace;

  public Projects(SessionStorage storage, SessionManager sessions, Path workspace) {
    this.storage = storage;
    this.sessions = sessions;
    this.workspace = workspace;
  }

  /** Projects ordered by {@code sortBy} (one of {@link #SORT_KEYS}). */
  public List<ProjectSummary> list(String sortBy, boolean ascending, int limit) {
    Comparator<ProjectSummary> order = switch (sortBy) {
      case "created_at" -> Comparator.comparing(ProjectSummary::createdAt);
      case "session_count" -> Comparator.comparingInt(ProjectSummary::sessionCount);
      case "total_cost_usd" -> Comparator.comparing(ProjectSummary::totalCostUsd);
      case "messages_count" -> Comparator.comparingLong(ProjectSummary::messagesCount);
      case "project_path" -> Comparator.comparing(ProjectSummary::projectPath);
      default -> Comparator.comparing(ProjectSummary::lastActivity);
    };
    List<ProjectSummary> all = new ArrayList<>(summaries().values());
    all.sort(ascending ? order : order.reversed());
    return all.size() > limit ? all.subList(0, limit) : all;
  }

  public Stats stats() {
    Map<String, ProjectSummary> projects = summaries();
    int sessionCount = 0;
    BigDecimal cost = BigDecimal.ZERO;
    long messages = 0;
    ProjectSummary mostExpensive = null;
    ProjectSummary mostActive = null;
    for (ProjectSummary project : projects.values()) {
      sessionCount += project.sessionCount();
      cost = Usd.add(cost, project.totalCostUsd());
      messages += project.messagesCount();
      if (mostExpensive == null || project.totalCostUsd().compareTo(mostExpensive.totalCostUsd()) > 0) {
        mostExpensive = project;
      }
      if (mostActive == null || project.sessionCount() > mostActive.sessionCount()) {
        mostActive = project;
      }
    }
    return new Stats(projects.size(), sessionCount, cost, messages, mostExpensive, mostActive);
  }

  /**
   * Deletes every session of a project and its messages (never the directory).
   *
   * @param path absolute, or relative to the workspace
   * @throws CcsException.NotFound when no session works there
   */
  public Deletion delete(String path) {
    String absolute = path.startsWith("/") ? Path.of(path).normalize().toString()
        : workspace.resolve(path).normalize().toString();
    List<Session> matching = storage.sessions().list(new SessionFilter(null, absolute), Integer.MAX_VALUE);
    if (matching.isEmpty() && !path.startsWith("/")) {
      // A URL path loses its leading slash: try it as absolute too.
      absolute = Path.of("/" + path).normalize().toString();
      matching = storage.sessions().list(new SessionFilter(null, absolute), Integer.MAX_VALUE);
    }
    if (matching.isEmpty()) {
      throw new CcsException.NotFound("No sessions found for this project");
    }
    int deletedSessions = 0;
    int deletedMessages = 0;
    for (Session session : matching) {
      deletedMessages += sessions.delete(session.id());
      deletedSessions++;
    }
    return new Deletion(absolute, deletedSessions, deletedMessages);
  }

  private Map<String, ProjectSummary> summaries() {
    Map<String, ProjectSummary> projects = new LinkedHashMap<>();
    for (ProjectSummary totals : storage.sessions().projectTotals()) {
      Path path = Path.of(totals.projectPath());
      String relative = path.startsWith(workspace) ? workspace.relativize(path).toString() : totals.projectPath();
      projects.put(totals.projectPath(), new ProjectSummary(totals.projectPath(), relative.isEmpty() ? "." : relative,
          totals.sessionCount(), totals.totalCostUsd(), totals.messagesCount(), totals.lastActivity(),
          totals.createdAt()));
    }
    return projects;
  }
}
