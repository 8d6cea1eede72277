package dev.ccs.cli.base;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccs.core.config.LoadedConfig;
import dev.ccs.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * What every command and the menu work with: the config, the environment, the injected input and
 * output, whether to answer in JSON, and the server (its process and its HTTP API with the
 * configured key). Exit codes are documented in the README: {@link #OK}, {@link #FAILURE},
 * {@link #USAGE}, {@link #NOT_RUNNING}.
 */
public final class Cli {

  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;
  public static final int NOT_RUNNING = 3;

  private final LoadedConfig config;
  private final Map<String, String> env;
  private final BufferedReader in;
  private final PrintStream out;
  private final boolean json;
  private final ApiClient api;
  private final ServerProcess server;

  public Cli(LoadedConfig config, Map<String, String> env, BufferedReader in, PrintStream out, boolean json) {
    this.config = config;
    this.env = env;
    this.in = in;
    this.out = out;
    this.json = json;
    this.api = new ApiClient(config.config());
    this.server = new ServerProcess(config.config(), config.file());
  }

  public LoadedConfig config() {
    return config;
  }

  public Map<String, String> env() {
    return env;
  }

  public BufferedReader in() {
    return in;
  }

  public PrintStream out() {
    return out;
  }

  public boolean json() {
    return json;
  }

  public ApiClient api() {
    return api;
  }

  public ServerProcess server() {
    return server;
  }

  /** The same, answering in text (the menu calls the commands this way). */
  public Cli asText() {
    return json ? new Cli(config, env, in, out, false) : this;
  }

  /** The same with the config read again (after the menu changed it). */
  public Cli reloaded(LoadedConfig newConfig) {
    return new Cli(newConfig, env, in, out, json);
  }

  /** Prints {@code prompt} and reads a line; null at the end of the input. */
  public String ask(String prompt) {
    out.print(prompt);
    out.flush();
    try {
      String line = in.readLine();
      if (line == null) {
        out.println();
      }
      return line == null ? null : line.trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asks a yes/no question; only an explicit yes is yes. */
  public boolean confirm(String question) {
    String answer = ask(question + " [y/N] ");
    return answer != null && (answer.equalsIgnoreCase("y") || answer.equalsIgnoreCase("yes"));
  }

  public void printJson(JsonNode node) {
    out.println(Json.writePretty(node));
  }

  /** A server answer that was not a success: its error (or the whole answer in JSON mode); {@link #FAILURE}. */
  public int failed(ApiClient.Reply reply) {
    if (json) {
      printJson(reply.body());
    } else {
      out.println("failed (" + reply.status() + "): " + reply.error());
    }
    return FAILURE;
  }

  /** A success answer: printed whole in JSON mode, else by {@code text}; {@link #OK}. */
  public int answered(ApiClient.Reply reply, Runnable text) {
    if (!reply.ok()) {
      return failed(reply);
    }
    if (json) {
      printJson(reply.body());
    } else {
      text.run();
    }
    return OK;
  }

  /** A usage error: the message and the usage line; {@link #USAGE}. */
  public int usage(String message, String usage) {
    out.println(message);
    out.println(usage);
    return USAGE;
  }
}
