package dev.ccs.httpd;

/**
 * SIGTERM and SIGINT as a request to stop, so that the server can drain and exit 0: with only a
 * shutdown hook, the JVM exits 128+15 = 143 after the hook, which service managers report as a
 * failure. {@code sun.misc.Signal} is the JDK's supported way (module {@code jdk.unsupported});
 * where it is missing, the shutdown hook alone stops the server.
 */
final class Signals {

  private Signals() {
  }

  /** Runs {@code action} (on a JVM signal thread) at SIGTERM or SIGINT; false when signals cannot be caught here. */
  static boolean onTerminate(Runnable action) {
    try {
      sun.misc.SignalHandler handler = signal -> action.run();
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
      return true;
    } catch (IllegalArgumentException | LinkageError e) {
      return false;
    }
  }
}
