/**
 * What the compatible faces (OpenAI, Anthropic) share: a chat request's turn run on the core, in
 * the session its conversation continues, answered whole or streamed as the CLI writes it.
 */
package dev.ccs.httpd.faces;
