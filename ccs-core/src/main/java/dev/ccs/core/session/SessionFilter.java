package dev.ccs.core.session;

/**
 * Which sessions to list; null fields do not filter.
 *
 * @param status only sessions in this state
 * @param projectPath only sessions working in this directory (exact, resolved path)
 */
public record SessionFilter(SessionStatus status, String projectPath) {

  public static final SessionFilter ALL = new SessionFilter(null, null);

  public boolean matches(Session session) {
    return (status == null || session.status() == status)
        && (projectPath == null || session.projectPath().equals(projectPath));
  }
}
