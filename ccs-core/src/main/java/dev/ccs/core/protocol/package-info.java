/**
 * The CLI's output protocol: each line of {@code --output-format stream-json} (and the single line
 * of {@code json}) as a typed {@link dev.ccs.core.protocol.ClaudeEvent}, with the line kept as
 * printed so that unknown fields and unknown line types survive.
 */
package dev.ccs.core.protocol;
