/** Time seams: a nanosecond {@link dev.ccs.core.time.Ticker} and a delayed-action {@link dev.ccs.core.time.Scheduler}. */
package dev.ccs.core.time;
