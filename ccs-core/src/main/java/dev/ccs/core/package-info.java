/**
 * ccs: the {@code claude} CLI as an embeddable service. {@link dev.ccs.core.Ccs} is the entry point;
 * {@link dev.ccs.core.error.CcsException} and its nested subclasses are the refusals it can answer with.
 */
package dev.ccs.core;
