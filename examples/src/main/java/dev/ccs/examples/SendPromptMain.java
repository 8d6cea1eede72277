package dev.ccs.examples;

import dev.ccs.core.Ccs;
import dev.ccs.core.exec.RunFailedException;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.message.MessageRequest;
import dev.ccs.core.message.MessageResult;
import java.nio.file.Path;

/**
 * Embeds ccs in an application and sends one prompt, no server involved.
 *
 * <pre>java -cp examples.jar:... dev.ccs.examples.SendPromptMain [claude-path] "your prompt"</pre>
 */
public final class SendPromptMain {

  private SendPromptMain() {
  }

  public static void main(String[] args) {
    String claude = args.length > 1 ? args[0] : "claude";
    String prompt = args.length > 1 ? args[1] : args.length == 1 ? args[0] : "Say hello in five words.";
    // Everything (workspace, data) under ./ccs-example; the defaults are those of config.json.
    CcsConfig config = CcsConfig.defaults(Path.of("ccs-example")).toBuilder().claudePath(claude).build();
    try (Ccs ccs = Ccs.builder(config).build()) {
      MessageResult answer = ccs.send(MessageRequest.of(prompt));
      System.out.println(answer.result());
      System.out.printf("session %s, $%s, %d input + %d output tokens, %d ms%n", answer.sessionId(),
          answer.costUsd().toPlainString(), answer.usage().inputTokens(), answer.usage().outputTokens(),
          answer.duration().toMillis());
    } catch (RunFailedException e) {
      System.err.println("the CLI failed (" + e.code() + "): " + e.getMessage());
      System.exit(1);
    }
  }
}
