package dev.ccs.core.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Node server's files in a data directory ({@code sessions/sessions.json},
 * {@code tasks/tasks.json}, {@code statistics/statistics.json}, {@code messages/<id>.json}): the
 * stores leave them as they are, and the server says once at start that they are there.
 */
final class NodeDataFiles {

  private NodeDataFiles() {
  }

  /** The Node server's files found in {@code dataDir}, relative to it. */
  static List<String> in(Path dataDir) {
    List<String> found = new ArrayList<>();
    for (String name : List.of("sessions/sessions.json", "tasks/tasks.json", "statistics/statistics.json")) {
      if (Files.isRegularFile(dataDir.resolve(name))) {
        found.add(name);
      }
    }
    int messages = 0;
    Path messagesDir = dataDir.resolve("messages");
    if (Files.isDirectory(messagesDir)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(messagesDir, "*.json")) {
        for (Path ignored : files) {
          messages++;
        }
      } catch (IOException e) {
        // Unreadable: nothing to report.
      }
    }
    if (messages > 0) {
      found.add("messages/*.json (" + messages + ")");
    }
    return found;
  }
}
