/**
 * Where a request's time goes, as JDK Flight Recorder events: free when no recording runs, and
 * read with the JDK's own tools ({@code jcmd <pid> JFR.start}, {@code jfr print --events dev.ccs.Phase})
 * in production as in {@code bash bench/run.sh profile}.
 */
package dev.ccs.core.trace;
