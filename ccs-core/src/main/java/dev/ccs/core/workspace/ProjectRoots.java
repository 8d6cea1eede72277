package dev.ccs.core.workspace;

import dev.ccs.core.error.CcsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Confines working directories to configured roots. A client names a {@code project_path}; it is
 * resolved against the first root (the workspace) unless absolute, normalised, and its real path
 * (symlinks followed) must lie inside the real path of a root. Anything else is refused, before a
 * directory is created or a process started.
 */
public final class ProjectRoots {

  private static final int MAX_PATH_LENGTH = 4096;

  private final List<Path> roots;
  private final List<Path> realRoots = new ArrayList<>();

  /** {@code roots.get(0)} is the default working directory; every root is created if missing. */
  public ProjectRoots(List<Path> roots) {
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("at least one project root is needed");
    }
    this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    try {
      Files.createDirectories(this.roots.get(0));
      for (Path root : this.roots) {
        realRoots.add(Files.exists(root) ? root.toRealPath() : root);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the workspace " + this.roots.get(0), e);
    }
  }

  public Path defaultRoot() {
    return roots.get(0);
  }

  public List<Path> roots() {
    return roots;
  }

  /**
   * The directory for {@code projectPath} (null or blank for the workspace itself), created if it
   * is missing.
   *
   * @throws CcsException.PathNotAllowed when it lies outside every root
   * @throws CcsException.InvalidRequest when it is not a usable path
   */
  public Path resolve(String projectPath) {
    if (projectPath == null || projectPath.isBlank()) {
      return defaultRoot();
    }
    if (projectPath.length() > MAX_PATH_LENGTH || projectPath.indexOf('\0') >= 0) {
      throw new CcsException.InvalidRequest("\"project_path\" is not a valid path");
    }
    Path requested;
    try {
      if (projectPath.equals("~") || projectPath.startsWith("~/")) {
        requested = dev.ccs.core.io.UserHome.get().resolve(projectPath.substring(Math.min(2, projectPath.length())));
      } else {
        Path given = Path.of(projectPath);
        requested = given.isAbsolute() ? given : defaultRoot().resolve(given);
      }
    } catch (InvalidPathException e) {
      throw new CcsException.InvalidRequest("\"project_path\" is not a valid path");
    }
    Path normalized = requested.normalize();
    if (rootOf(normalized, roots) == null) {
      throw outside(projectPath);
    }
    Path real = realPath(normalized);
    if (rootOf(real, realRoots) == null) {
      throw outside(projectPath); // a symlink inside a root points out of it
    }
    if (!Files.isDirectory(real)) {
      if (Files.exists(real)) {
        throw new CcsException.InvalidRequest("\"project_path\" " + projectPath + " is not a directory");
      }
      try {
        Files.createDirectories(real);
      } catch (IOException e) {
        throw new CcsException.InvalidRequest("\"project_path\" " + projectPath + " cannot be created: " + e.getMessage());
      }
    }
    return real;
  }

  /**
   * The absolute, normalised form of a client's {@code project_path}, for comparing with stored
   * paths (no directory is created, nothing is checked).
   */
  public String normalize(String projectPath) {
    if (projectPath == null || projectPath.isBlank()) {
      return defaultRoot().toString();
    }
    try {
      Path path = projectPath.equals("~") || projectPath.startsWith("~/")
          ? dev.ccs.core.io.UserHome.get().resolve(projectPath.substring(Math.min(2, projectPath.length())))
          : Path.of(projectPath);
      Path absolute = (path.isAbsolute() ? path : defaultRoot().resolve(path)).normalize();
      Path real = realPath(absolute);
      return real.toString();
    } catch (InvalidPathException e) {
      return projectPath;
    }
  }

  /** Whether {@code directory} (an existing path) lies inside a root. */
  public boolean contains(Path directory) {
    Path real = realPath(directory.toAbsolutePath().normalize());
    return rootOf(real, realRoots) != null;
  }

  private static Path rootOf(Path path, List<Path> candidates) {
    for (Path root : candidates) {
      if (path.startsWith(root)) {
        return root;
      }
    }
    return null;
  }

  /** The real path of the deepest existing ancestor, with the missing rest appended. */
  private static Path realPath(Path path) {
    Path existing = path;
    List<Path> missing = new ArrayList<>();
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      missing.add(0, existing.getFileName());
      existing = existing.getParent();
    }
    if (existing == null) {
      return path;
    }
    try {
      Path real = existing.toRealPath();
      for (Path part : missing) {
        real = real.resolve(part);
      }
      return real.normalize();
    } catch (IOException e) {
      // A dangling symlink: refuse rather than guess where it would lead.
      return Path.of("/nonexistent-dangling-link");
    }
  }

  private static CcsException.PathNotAllowed outside(String projectPath) {
    return new CcsException.PathNotAllowed("\"project_path\" " + projectPath
        + " is outside the allowed project roots (workspacePath and allowedProjectRoots in the server config)");
  }
}
