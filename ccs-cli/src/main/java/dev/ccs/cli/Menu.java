package dev.ccs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The plain-text menu: numbered choices read from a line-based input, so it works in any terminal,
 * over ssh, and from a script or test that feeds its input.
 */
public final class Menu {

  private final BufferedReader in;
  private final PrintStream out;
  private final Commands commands;

  public Menu(BufferedReader in, PrintStream out, Commands commands) {
    this.in = in;
    this.out = out;
    this.commands = commands;
  }

  /** Runs until the user quits or the input ends. */
  public void run() throws IOException {
    while (true) {
      out.println();
      out.println("ccs — " + (commands.isRunning() ? "server running" : "server not running"));
      out.println("  1) start server");
      out.println("  2) stop server");
      out.println("  3) status");
      out.println("  4) send a prompt");
      out.println("  5) list sessions");
      out.println("  0) quit");
      out.print("> ");
      out.flush();
      String choice = in.readLine();
      if (choice == null) {
        return;
      }
      switch (choice.trim()) {
        case "1" -> commands.start(out);
        case "2" -> commands.stop(out);
        case "3" -> commands.status(out);
        case "4" -> sendPrompt();
        case "5" -> listSessions();
        case "0", "q", "quit", "exit" -> {
          return;
        }
        case "" -> { }
        default -> out.println("unknown choice: " + choice.trim());
      }
    }
  }

  private void listSessions() {
    try {
      ApiClient.Reply reply = commands.client().get("/api/sessions?limit=20");
      if (!reply.ok()) {
        out.println("failed (" + reply.status() + "): " + reply.error());
        return;
      }
      if (reply.body().path("count").asInt() == 0) {
        out.println("no sessions");
      }
      for (JsonNode session : reply.body().path("sessions")) {
        out.printf("%s  %-8s %3d turns  $%-10s %s%n", session.path("id").asText(), session.path("status").asText(),
            session.path("messages_count").asInt(), session.path("total_cost_usd").asText(),
            session.path("project_path").asText());
      }
    } catch (IOException e) {
      out.println("the server does not answer at " + commands.client().base() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void sendPrompt() throws IOException {
    out.print("prompt: ");
    out.flush();
    String prompt = in.readLine();
    if (prompt == null || prompt.isBlank()) {
      out.println("nothing sent");
      return;
    }
    out.print("project path (empty for the workspace): ");
    out.flush();
    String project = in.readLine();
    ObjectNode body = Json.object().put("prompt", prompt);
    if (project != null && !project.isBlank()) {
      body.put("project_path", project.trim());
    }
    try {
      ApiClient.Reply reply = commands.client().post("/api/messages", body, Duration.ofMinutes(10));
      if (reply.ok()) {
        JsonNode result = reply.body();
        out.println(result.path("result").asText());
        out.printf("(session %s, $%s, %d ms)%n", result.path("session_id").asText(),
            result.path("cost_usd").asText(), result.path("duration_ms").asLong());
      } else {
        out.println("failed (" + reply.status() + "): " + reply.error());
      }
    } catch (IOException e) {
      out.println("the server does not answer at " + commands.client().base() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
