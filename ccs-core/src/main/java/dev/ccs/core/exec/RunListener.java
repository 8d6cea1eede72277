package dev.ccs.core.exec;

import dev.ccs.core.protocol.ClaudeEvent;

/**
 * Receives a run's output as it happens, on the thread reading the CLI's stdout, in order. Keep it
 * quick; an exception thrown here is logged and does not stop the run.
 */
@FunctionalInterface
public interface RunListener {

  RunListener NONE = event -> { };

  /** One output line, parsed. Not called after the run was cancelled or timed out. */
  void onEvent(ClaudeEvent event);

  /** The process has started. */
  default void onStart(long pid) {
  }
}
