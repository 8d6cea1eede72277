/** Spreading runs over API providers (keys and endpoints) and giving each run its provider's credentials. */
package dev.ccs.core.balance;
