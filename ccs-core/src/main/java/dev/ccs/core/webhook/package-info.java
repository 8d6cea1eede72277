/**
 * Webhooks: stored deliveries of task events, sent off the task's path with retries, signed with
 * HMAC-SHA256, to targets checked against link-local, metadata and (unless allowed) private addresses.
 */
package dev.ccs.core.webhook;
