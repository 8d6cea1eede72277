/**
 * Helpers for testing code that embeds ccs, shipped in the main jar: a settable clock and a
 * scheduler that runs on a virtual timeline.
 */
package dev.ccs.core.testing;
