package dev.ccs.core.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to start: the command line, its working directory and its complete environment (nothing is
 * inherited beyond what is listed here).
 */
public record ProcessSpec(List<String> command, Path workingDirectory, Map<String, String> environment) {

  public ProcessSpec {
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command is empty");
    }
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    environment = Map.copyOf(environment);
  }

  @Override
  public String toString() {
    // Environment values can be secrets: only the names are shown.
    return "ProcessSpec[command=" + command + ", workingDirectory=" + workingDirectory
        + ", environment=" + environment.keySet() + "]";
  }
}
