/**
 * The Anthropic face: {@code POST /v1/messages} in the Messages API's shapes (and its streaming
 * event sequence), so that Anthropic SDK clients see Claude Code's answer as one assistant message.
 */
package dev.ccs.httpd.anthropic;
