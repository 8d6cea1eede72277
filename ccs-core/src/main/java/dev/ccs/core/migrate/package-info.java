/**
 * Bringing another server's data into a ccs store: {@link dev.ccs.core.migrate.NodeImport} reads a
 * Node server's home ({@link dev.ccs.core.migrate.NodeHome}) and writes sessions, histories, tasks,
 * statistics and provider settings, idempotently, reporting what it could not read
 * ({@link dev.ccs.core.migrate.ImportReport}).
 */
package dev.ccs.core.migrate;
