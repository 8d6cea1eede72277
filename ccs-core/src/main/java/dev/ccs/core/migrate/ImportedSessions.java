package dev.ccs.core.migrate;

import dev.ccs.core.session.Session;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What the operator should hear about the imported sessions as a whole: those the server's
 * retention will remove at its next start (the Node server never removed any), and the directories
 * outside the project roots (the Node server ran anywhere; ccs refuses their turns).
 */
final class ImportedSessions implements Consumer<Session> {

  private final Instant retentionCutoff;
  private final Predicate<String> allowedProject;
  private final Set<String> outside = new TreeSet<>();
  private int old;
  private int outsideSessions;

  /**
   * @param retentionCutoff sessions last updated before it are removed by retention; null for none
   * @param allowedProject whether a directory lies inside the project roots; null not to check
   */
  ImportedSessions(Instant retentionCutoff, Predicate<String> allowedProject) {
    this.retentionCutoff = retentionCutoff;
    this.allowedProject = allowedProject;
  }

  @Override
  public void accept(Session session) {
    if (retentionCutoff != null && session.updatedAt().isBefore(retentionCutoff)) {
      old++;
    }
    if (allowedProject != null && !allowedProject.test(session.projectPath())) {
      outside.add(session.projectPath());
      outsideSessions++;
    }
  }

  void addNotes(ImportReport report) {
    if (outsideSessions > 0) {
      List<String> some = outside.stream().limit(5).toList();
      report.note(outsideSessions + " imported session(s) work in " + outside.size() + " director"
          + (outside.size() == 1 ? "y" : "ies") + " outside the allowed project roots (" + String.join(", ", some)
          + (outside.size() > some.size() ? ", ..." : "") + "): their histories are readable, their next turns are "
          + "refused until allowedProjectRoots covers them");
    }
    if (old > 0) {
      report.note(old + " imported session(s) were last used more than sessionRetentionDays ago: the server's "
          + "retention removes them at its next start (the Node server never removed any); raise "
          + "sessionRetentionDays first to keep them");
    }
  }
}
