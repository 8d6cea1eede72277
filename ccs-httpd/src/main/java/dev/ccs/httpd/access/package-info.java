/**
 * Who may call the HTTP API: the client's address (through trusted proxies), its API key, the
 * scope each route needs, and the rate limits ({@link AccessGate}).
 */
package dev.ccs.httpd.access;
