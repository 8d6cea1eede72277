package dev.ccs.examples;

import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.WarmSessionsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.message.MessageResult;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.session.Session;
import dev.ccs.core.warm.WarmStatus;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A conversation on a warm CLI: the first turn starts the CLI and keeps it, the next ones are
 * written to it (tens of milliseconds instead of a cold start each); then what the pool shows.
 *
 * <pre>java -cp examples.jar:... dev.ccs.examples.WarmSessionsMain [claude-path]</pre>
 */
public final class WarmSessionsMain {

  private WarmSessionsMain() {
  }

  public static void main(String[] args) throws Exception {
    String claude = args.length > 0 ? args[0] : "claude";
    CcsConfig config = CcsConfig.defaults(Path.of("ccs-example")).toBuilder().claudePath(claude)
        .warmSessions(new WarmSessionsConfig(true, 2, Duration.ofMinutes(5), 100, 1024)).build();
    try (Ccs ccs = Ccs.builder(config).build()) {       // close() ends the warm CLIs too
      Session session = ccs.sessions().create("warm-example", null, Json.object(), null);
      for (String prompt : new String[] {"Remember the number 42.", "Add 8 to it.", "And halve that?"}) {
        long start = System.nanoTime();
        MessageResult answer = ccs.sessions().continueSession(session.id(), prompt, RunOptions.NONE);
        System.out.printf("%s -> %s (%d ms)%n", prompt, answer.result(), (System.nanoTime() - start) / 1_000_000);
      }
      WarmStatus.Process process = ccs.sessions().warm().of(session.id()).orElseThrow();
      WarmStatus pool = ccs.sessions().warm().status();
      System.out.printf("warm CLI pid %d served %d turns, %d MiB resident%n", process.pid(), process.turns(),
          process.rssBytes() >> 20);
      System.out.printf("pool: %d process(es), %d warm and %d cold turn(s)%n", pool.live(), pool.warmTurns(),
          pool.coldTurns());
      // One turn on its own, cold: the warm CLI is ended first, so that two CLIs never share the session.
      ccs.sessions().continueSession(session.id(), "Say done.", RunOptions.builder().warm(false).build());
      System.out.println("after a cold turn: " + ccs.sessions().warm().of(session.id()).map(p -> "warm")
          .orElse("no warm CLI"));
    }
  }
}
