package dev.ccs.core.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.io.UserHome;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a Node server kept its data: its home ({@code ~/.claude-code-server}: {@code config.json},
 * {@code provider/<id>.json}) and its data directory ({@code config.json}'s {@code dataDir}, by
 * default {@code data/} in the home). A path that is itself a data directory (it holds
 * {@code sessions/sessions.json}) is taken as one. Only read, never written.
 *
 * @param workspacePath the Node config's {@code workspacePath}: where tasks without a project ran
 *     (null when the config does not say)
 */
public record NodeHome(Path home, Path dataDir, Path providerDir, String workspacePath) {

  /** The Node server's default home, {@code ~/.claude-code-server}. */
  public static Path defaultHome() {
    return UserHome.get().resolve(".claude-code-server");
  }

  /** Finds the data directory and workspace of the Node server whose home (or data directory) is {@code path}. */
  public static NodeHome at(Path path) {
    Path home = path.toAbsolutePath().normalize();
    if (Files.isRegularFile(home.resolve("sessions").resolve("sessions.json"))
        && !Files.isDirectory(home.resolve("data"))) {
      return new NodeHome(home, home, home.getParent() == null ? home : home.getParent().resolve("provider"), null);
    }
    Path dataDir = home.resolve("data");
    String workspace = null;
    Path config = home.resolve("config.json");
    if (Files.isRegularFile(config)) {
      try {
        JsonNode root = Json.parse(Files.readString(config));
        if (root.path("dataDir").isTextual() && !root.get("dataDir").asText().isBlank()) {
          dataDir = resolve(root.get("dataDir").asText(), home);
        }
        if (root.path("workspacePath").isTextual() && !root.get("workspacePath").asText().isBlank()) {
          workspace = resolve(root.get("workspacePath").asText(), home).toString();
        }
      } catch (IOException e) {
        // A config we cannot read: the default layout.
      }
    }
    return new NodeHome(home, dataDir, home.resolve("provider"), workspace);
  }

  /** {@code ~} as the Node server expanded it; relative paths against the home. */
  private static Path resolve(String value, Path home) {
    Path path;
    if (value.equals("~")) {
      path = UserHome.get();
    } else if (value.startsWith("~/")) {
      path = UserHome.get().resolve(value.substring(2));
    } else {
      path = Path.of(value);
    }
    return (path.isAbsolute() ? path : home.resolve(path)).normalize();
  }

  public Path sessionsFile() {
    return dataDir.resolve("sessions").resolve("sessions.json");
  }

  public Path messagesDir() {
    return dataDir.resolve("messages");
  }

  public Path messagesFile(String sessionId) {
    return messagesDir().resolve(sessionId + ".json");
  }

  public Path tasksFile() {
    return dataDir.resolve("tasks").resolve("tasks.json");
  }

  public Path statisticsFile() {
    return dataDir.resolve("statistics").resolve("statistics.json");
  }

  /** The Node files present here (relative names), empty when this is no Node server's home. */
  public List<String> found() {
    List<String> found = new ArrayList<>();
    for (Path file : List.of(sessionsFile(), tasksFile(), statisticsFile())) {
      if (Files.isRegularFile(file)) {
        found.add(dataDir.relativize(file).toString());
      }
    }
    if (Files.isDirectory(messagesDir())) {
      found.add("messages/");
    }
    if (Files.isDirectory(providerDir)) {
      found.add("provider/");
    }
    return found;
  }
}
