/** Files written atomically and durably, and the user's home directory. */
package dev.ccs.core.io;
