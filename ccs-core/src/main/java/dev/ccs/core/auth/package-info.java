/**
 * Who may call: the Node server's derived API key and named API keys with scopes ({@link ApiKeys}).
 * A key is shown once, when it is created; only its SHA-256 hash is kept.
 */
package dev.ccs.core.auth;
