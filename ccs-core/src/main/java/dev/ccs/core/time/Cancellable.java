package dev.ccs.core.time;

/** A scheduled action that can be called off. */
@FunctionalInterface
public interface Cancellable {

  /** Stops the action if it has not run yet; harmless when it has. */
  void cancel();
}
