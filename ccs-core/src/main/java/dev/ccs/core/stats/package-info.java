/**
 * Usage statistics: every recorded run counted once, from the assistant message its turn left in
 * the session's history (so they can be rebuilt from the histories after a crash), per UTC day, per
 * model, provider, project and API key.
 */
package dev.ccs.core.stats;
