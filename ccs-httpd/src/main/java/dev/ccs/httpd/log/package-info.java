/**
 * The server's log: an SLF4J provider that writes the server's messages and one line per request
 * to {@code logFile} as text or JSON lines, rotated by size, and to stderr unless told not to.
 */
package dev.ccs.httpd.log;
