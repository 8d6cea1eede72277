/** Threads (virtual ones on Java 21+) and background jobs that coalesce repeated requests. */
package dev.ccs.core.concurrent;
