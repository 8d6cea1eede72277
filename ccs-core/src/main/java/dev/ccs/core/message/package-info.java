/** One-shot prompts: request and answer of {@code POST /api/messages}. */
package dev.ccs.core.message;
