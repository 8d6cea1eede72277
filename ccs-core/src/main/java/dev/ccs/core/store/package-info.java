/**
 * Storage implementations: the crash-safe {@link dev.ccs.core.store.FileStorage} default (session
 * files, message logs, task and delivery journals) and {@link dev.ccs.core.store.InMemoryStorage}.
 * The interfaces they implement sit beside the records they store
 * ({@link dev.ccs.core.session.SessionStorage}, {@link dev.ccs.core.task.TaskStore},
 * {@link dev.ccs.core.webhook.DeliveryStore}); only the engine's wiring uses this package.
 */
package dev.ccs.core.store;
