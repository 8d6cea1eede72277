package dev.ccs.core.store;

import java.util.UUID;

/** Striped monitors: changes to one record are serialised, changes to different records mostly not. */
final class Locks {

  private static final int STRIPES = 256;

  private Locks() {
  }

  static Object[] stripes() {
    Object[] locks = new Object[STRIPES];
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
    return locks;
  }

  static Object of(Object[] locks, UUID id) {
    return locks[Math.floorMod(id.hashCode(), locks.length)];
  }
}
