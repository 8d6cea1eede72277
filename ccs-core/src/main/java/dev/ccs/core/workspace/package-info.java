/** Working directories of runs, confined to the configured project roots. */
package dev.ccs.core.workspace;
