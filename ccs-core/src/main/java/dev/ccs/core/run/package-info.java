/** What clients may choose about a run, and the server rules that turn it into a CLI request. */
package dev.ccs.core.run;
