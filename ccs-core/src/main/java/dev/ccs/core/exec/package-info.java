/**
 * Running the {@code claude} CLI: {@link dev.ccs.core.exec.ClaudeRequest} to command line and
 * environment, {@link dev.ccs.core.exec.ClaudeExecutor} to start it, read its output line by line
 * and end its whole process tree on cancel or timeout, {@link dev.ccs.core.exec.RunOutcome} for how
 * it ended.
 */
package dev.ccs.core.exec;
