/**
 * The rules that map other APIs' conversations onto ccs sessions (the OpenAI and Anthropic faces of
 * ccs-httpd): which session a request's messages continue, and what prompt it sends.
 */
package dev.ccs.core.compat;
