package dev.ccs.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.httpd.CcsHttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/**
 * The OpenAI face: an embedded server on a free port, and a conversation of two turns sent as any
 * OpenAI client sends it (the whole conversation each time) to {@code /v1/chat/completions}; ccs
 * continues one Claude Code session. Any OpenAI client library works the same way with
 * {@code base_url = http://127.0.0.1:PORT/v1}.
 *
 * <pre>java -cp examples.jar:... dev.ccs.examples.OpenAiFaceMain [claude-path]</pre>
 */
public final class OpenAiFaceMain {

  private OpenAiFaceMain() {
  }

  public static void main(String[] args) throws Exception {
    String claude = args.length > 0 ? args[0] : "claude";
    CcsConfig config = CcsConfig.defaults(Path.of("ccs-example")).toBuilder().claudePath(claude).build();
    try (Ccs ccs = Ccs.builder(config).build(); CcsHttpServer server = CcsHttpServer.start(ccs, "127.0.0.1", 0)) {
      HttpClient client = HttpClient.newHttpClient();
      URI endpoint = URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions");
      ObjectNode request = Json.object().put("model", "sonnet");
      ArrayNode messages = request.putArray("messages");
      messages.addObject().put("role", "system").put("content", "Answer in one sentence.");
      for (String question : new String[] {"What is a JVM?", "And what is a JIT?"}) {
        messages.addObject().put("role", "user").put("content", question);
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(request))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = Json.parse(response.body());
        String text = answer.at("/choices/0/message/content").asText();
        System.out.println("> " + question);
        System.out.println(text);
        System.out.println("  (session " + answer.path("session_id").asText() + ", " + answer.at("/usage/total_tokens")
            .asInt() + " tokens)");
        messages.addObject().put("role", "assistant").put("content", text);
      }
    }
  }
}
