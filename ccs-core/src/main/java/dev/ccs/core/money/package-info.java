/** Exact US-dollar arithmetic for costs and budgets. */
package dev.ccs.core.money;
