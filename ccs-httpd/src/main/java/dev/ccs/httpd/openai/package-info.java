/**
 * The OpenAI face: {@code POST /v1/chat/completions} and {@code GET /v1/models} in OpenAI's wire
 * shapes, on the same core as the native API (sessions, balancer, budgets, statistics, auth, rate
 * limits). The conversation rules are {@link dev.ccs.core.compat.Conversations}.
 */
package dev.ccs.httpd.openai;
