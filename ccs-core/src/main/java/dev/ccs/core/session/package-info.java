/**
 * Sessions: conversations with the CLI in one working directory, their message history, turns
 * (one at a time per session, with budgets), streamed turns, projects and retention.
 */
package dev.ccs.core.session;
