package dev.ccs.core.session;

/**
 * Which sessions to list; null fields do not filter.
 *
 * @param status only sessions in this state
 * @param projectPath only sessions working in this directory (exact, resolved path)
 * @param after only sessions after this place in the list (the next page), or null from the start
 */
public record SessionFilter(SessionStatus status, String projectPath, SessionCursor after) {

  public static final SessionFilter ALL = new SessionFilter(null, null, null);

  public SessionFilter(SessionStatus status, String projectPath) {
    this(status, projectPath, null);
  }

  public boolean matches(Session session) {
    return (status == null || session.status() == status)
        && (projectPath == null || session.projectPath().equals(projectPath));
  }
}
