package dev.ccs.httpd.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.json.Json;
import dev.ccs.core.session.ProjectSummary;
import dev.ccs.core.session.Projects;
import dev.ccs.httpd.routing.ApiRequest;
import dev.ccs.httpd.routing.ErrorMapping;
import dev.ccs.httpd.routing.ApiResponse;
import java.util.List;
import java.util.Set;

/** {@code /api/projects}: sessions grouped by working directory. */
public final class ProjectsHandler {

  private final Ccs ccs;

  public ProjectsHandler(Ccs ccs) {
    this.ccs = ccs;
  }

  /** {@code GET /api/projects?limit=&sort_by=&order=}. */
  public ApiResponse list(ApiRequest request) {
    Queries.onlyKnown(request, Set.of("limit", "sort_by", "order"));
    String sortBy = request.query().getOrDefault("sort_by", "last_activity");
    if (!Projects.SORT_KEYS.contains(sortBy)) {
      throw new CcsException.InvalidRequest("\"sort_by\" must be one of [" + String.join(", ", Projects.SORT_KEYS) + "]");
    }
    String order = request.query().getOrDefault("order", "desc");
    if (!order.equals("asc") && !order.equals("desc")) {
      throw new CcsException.InvalidRequest("order must be asc or desc");
    }
    List<ProjectSummary> projects = ccs.projects().list(sortBy, order.equals("asc"), Queries.limit(request, 100, 1000));
    ObjectNode body = WireFormat.success();
    ArrayNode list = body.putArray("projects");
    projects.forEach(p -> list.add(json(p)));
    body.put("count", projects.size());
    return ApiResponse.json(200, body);
  }

  /** {@code GET /api/projects/stats}. */
  public ApiResponse stats(ApiRequest request) {
    Projects.Stats stats = ccs.projects().stats();
    ObjectNode node = Json.object();
    node.put("total_projects", stats.totalProjects());
    node.put("total_sessions", stats.totalSessions());
    node.put("total_cost_usd", stats.totalCostUsd());
    node.put("total_messages", stats.totalMessages());
    if (stats.mostExpensive() == null) {
      node.putNull("most_expensive_project");
      node.putNull("most_active_project");
    } else {
      node.putObject("most_expensive_project").put("project_path", stats.mostExpensive().projectPath())
          .put("total_cost_usd", stats.mostExpensive().totalCostUsd());
      node.putObject("most_active_project").put("project_path", stats.mostActive().projectPath())
          .put("session_count", stats.mostActive().sessionCount());
    }
    return ApiResponse.json(200, WireFormat.success().set("stats", node));
  }

  /** {@code DELETE /api/projects/{path}}: the project's sessions and messages, never the directory. */
  public ApiResponse delete(ApiRequest request) {
    String path = request.pathParam("path");
    if (path == null || path.isBlank()) {
      throw new CcsException.InvalidRequest("Project path is required");
    }
    Projects.Deletion deletion;
    try {
      deletion = ccs.projects().delete(path);
    } catch (CcsException.NotFound e) {
      ObjectNode body = ErrorMapping.errorBody(e.getMessage(), e.code());
      body.put("project_path", path);
      return ApiResponse.json(404, body);
    }
    ObjectNode body = WireFormat.success();
    body.put("message", "Project deleted successfully");
    body.put("deleted_sessions", deletion.deletedSessions());
    body.put("deleted_messages", deletion.deletedMessages());
    body.put("project_path", deletion.projectPath());
    return ApiResponse.json(200, body);
  }

  private static ObjectNode json(ProjectSummary p) {
    ObjectNode node = Json.object();
    node.put("project_path", p.projectPath());
    node.put("relative_path", p.relativePath());
    node.put("session_count", p.sessionCount());
    node.put("total_cost_usd", p.totalCostUsd());
    node.put("messages_count", p.messagesCount());
    node.put("last_activity", p.lastActivity().toString());
    node.put("created_at", p.createdAt().toString());
    return node;
  }
}
