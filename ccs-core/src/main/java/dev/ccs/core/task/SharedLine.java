package dev.ccs.core.task;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The queue's line of waiting tasks when several nodes share it (a database): a node claims the
 * next task under a lease that the store renews while the node lives; the lease of a node that
 * dies expires, and another node takes its running tasks over. Submission order, priorities and
 * retry times are the stored tasks' own; nothing of the line is kept in a node's memory.
 */
public interface SharedLine {

  /** This node's name among those sharing the line. */
  String nodeId();

  /**
   * Claims the next task that may start now (batch tasks first, then priority, then submission;
   * never one whose retry time lies ahead, never beyond the global cap), under this node's lease.
   * The task stays {@code pending} until its runner starts it.
   *
   * @return empty when none waits
   */
  Optional<UUID> claim();

  /** Gives a claimed task that did not start back to the line (this node is stopping). */
  void giveBack(UUID id);

  /**
   * Takes over, each for one node only, up to {@code limit} running tasks whose node's lease has
   * expired (it died, or lost the database): the caller requeues or fails them.
   */
  List<UUID> takeOverExpired(int limit);

  /** The tasks this node held when it last stopped (it crashed): the caller requeues or fails them. */
  List<UUID> heldBefore();

  /** Tasks waiting on every node (the bound of {@code taskQueue.maxPending}). */
  int waiting();

  /**
   * Starts listening: {@code arrived} when a task is submitted or requeued on any node,
   * {@code ended} with a task's id when another node ended it (a cancel, or its run), {@code lost}
   * with a task this node runs but no longer holds (its lease could not be renewed in time).
   */
  void listen(Runnable arrived, Consumer<UUID> ended, Consumer<UUID> lost);

  /** Whether the database answered lately; a node that cannot reach it claims nothing. */
  boolean reachable();
}
