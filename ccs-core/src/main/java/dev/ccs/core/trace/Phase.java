package dev.ccs.core.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One timed stage of a request or a run, as a JFR event ({@code dev.ccs.Phase}): its name says which
 * ({@code http.exchange}, {@code turn}, {@code cli.launch}, {@code cli.output}, {@code cli.exit},
 * {@code store.turn}), and stages on the same thread nest. When no recording asks for the event,
 * {@link #done} costs a field check.
 *
 * <pre>{@code
 * Phase phase = Phase.begin("store.turn");
 * try { ... } finally { phase.done(); }
 * }</pre>
 */
@Name("dev.ccs.Phase")
@Label("ccs phase")
@Category("ccs")
@Description("A timed stage of a ccs request or CLI run")
@StackTrace(false)
public final class Phase extends Event {

  @Label("Name")
  String name;

  private Phase(String name) {
    this.name = name;
  }

  /** Starts timing a stage now. */
  public static Phase begin(String name) {
    Phase phase = new Phase(name);
    phase.begin();
    return phase;
  }

  /** Ends the stage now and records it, when a recording wants it. */
  public void done() {
    if (isEnabled()) {
      commit();
    }
  }
}
