package dev.ccs.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.message.MessageResult;
import dev.ccs.core.run.RunOptions;
import dev.ccs.core.session.Session;
import dev.ccs.core.stream.RunStream;
import dev.ccs.core.stream.StreamItem;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A multi-turn session in process: a first turn, a second that the CLI answers knowing the first
 * ({@code --resume}), then a third streamed, its text printed as the CLI produces it.
 *
 * <pre>java -cp examples.jar:... dev.ccs.examples.SessionsMain [claude-path]</pre>
 */
public final class SessionsMain {

  private SessionsMain() {
  }

  public static void main(String[] args) throws Exception {
    String claude = args.length > 0 ? args[0] : "claude";
    CcsConfig config = CcsConfig.defaults(Path.of("ccs-example")).toBuilder().claudePath(claude).build();
    try (Ccs ccs = Ccs.builder(config).build()) {
      Session session = ccs.sessions().create("sessions-example", null, Json.object().put("name", "example"), null);
      UUID id = session.id();
      MessageResult first = ccs.sessions().continueSession(id, "Remember the number 42.", RunOptions.NONE);
      System.out.println("turn 1: " + first.result());
      MessageResult second = ccs.sessions().continueSession(id, "Which number did I ask you to remember?",
          RunOptions.NONE);
      System.out.println("turn 2: " + second.result());

      RunStream stream = ccs.sessions().startStream(id, "Count to three.", RunOptions.NONE);
      System.out.print("turn 3 (streamed): ");
      long seen = 0;
      boolean done = false;
      boolean printed = false;
      while (!done) {
        RunStream.Batch batch = stream.next(seen, 60, TimeUnit.SECONDS);
        for (StreamItem item : batch.items()) {
          seen = item.id();
          if (item.name().equals("message")) {
            // The CLI's text as it writes it: stream_event lines carry the deltas.
            String delta = Json.parse(item.data()).at("/event/delta/text").asText("");
            System.out.print(delta);
            printed |= !delta.isEmpty();
          } else if (item.name().equals("done") && !printed) {
            // A CLI that sent no deltas: the whole answer at the end.
            JsonNode end = Json.parse(item.data());
            System.out.print(end.path("result").asText());
          }
          done |= item.terminal();
        }
      }
      System.out.println();
      Session after = ccs.sessions().get(id);
      System.out.printf("session %s: %d turns, $%s%n", id, after.messagesCount(), after.totalCostUsd().toPlainString());
    }
  }
}
