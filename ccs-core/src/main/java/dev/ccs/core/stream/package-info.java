/** Streamed turns: buffered, replayable events that clients can read live, late, or again. */
package dev.ccs.core.stream;
