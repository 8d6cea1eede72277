/**
 * Child processes: launching with a complete environment, and ending a process together with
 * every process it started (process group and descendants), even after it has exited.
 */
package dev.ccs.core.process;
