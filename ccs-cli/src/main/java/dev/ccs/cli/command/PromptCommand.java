package dev.ccs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.cli.base.ApiClient;
import dev.ccs.cli.base.Cli;
import dev.ccs.cli.base.Table;
import dev.ccs.core.json.Json;
import java.time.Duration;
import java.util.List;

/** {@code ccs test [PROMPT]}: sends a prompt to the running server and shows the answer, its cost and its time. */
public final class PromptCommand {

  static final String DEFAULT_PROMPT = "Say hello";

  private final Cli cli;

  public PromptCommand(Cli cli) {
    this.cli = cli;
  }

  public int run(List<String> args) {
    return send(args.isEmpty() ? DEFAULT_PROMPT : String.join(" ", args), null);
  }

  public int send(String prompt, String projectPath) {
    ObjectNode body = Json.object().put("prompt", prompt);
    if (projectPath != null && !projectPath.isBlank()) {
      body.put("project_path", projectPath);
    }
    long start = System.nanoTime();
    ApiClient.Reply reply = cli.api().call("POST", "/api/messages", body, Duration.ofMinutes(10));
    long millis = (System.nanoTime() - start) / 1_000_000;
    return cli.answered(reply, () -> {
      JsonNode r = reply.body();
      cli.out().println(r.path("result").asText());
      cli.out().println("(session " + r.path("session_id").asText() + ", " + Table.usd(r.path("cost_usd")) + ", "
          + r.path("duration_ms").asLong() + " ms in the CLI, " + millis + " ms in all)");
    });
  }
}
