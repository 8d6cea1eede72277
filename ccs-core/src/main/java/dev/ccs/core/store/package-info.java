/**
 * Storage: one store interface per record kind ({@link dev.ccs.core.store.SessionStore},
 * {@link dev.ccs.core.store.MessageStore}), the crash-safe {@link dev.ccs.core.store.FileStorage}
 * default and {@link dev.ccs.core.store.InMemoryStorage}.
 */
package dev.ccs.core.store;
