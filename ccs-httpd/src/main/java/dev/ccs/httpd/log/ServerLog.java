package dev.ccs.httpd.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Where every log line goes: stderr until {@link #configure} is called (by the server's main), then
 * the config's {@code logFile} (rotated, text or JSON) and stderr too unless {@code console} is
 * off. Lines are built whole on the caller's thread and written by a {@link LineWriter}.
 */
public final class ServerLog {

  private static volatile Level threshold = Level.INFO;
  private static volatile boolean json;
  private static volatile LineWriter file;
  private static final PrintStream STDERR = System.err;

  private ServerLog() {
  }

  /**
   * Writes to {@code config.logFile()} from now on.
   *
   * @param consoleToo also to stderr (a foreground server); off when stderr is the log file already
   * @throws IOException when the log file cannot be opened
   */
  public static synchronized void configure(CcsConfig config, boolean consoleToo) throws IOException {
    threshold = Level.valueOf(config.logLevel().toUpperCase(Locale.ROOT));
    json = config.logging().format().equals("json");
    LineWriter previous = file;
    file = new LineWriter(new RotatingFile(config.logFile(), config.logging().maxBytes(), config.logging().maxFiles()),
        consoleToo ? STDERR : null);
    if (previous != null) {
      previous.close();
    }
  }

  /** Takes a new {@code logLevel} (config reload). */
  public static void level(String logLevel) {
    threshold = Level.valueOf(logLevel.toUpperCase(Locale.ROOT));
  }

  /** Back to the state before {@link #configure}: the file is closed, lines go to SLF4J's binding. */
  public static synchronized void close() {
    LineWriter previous = file;
    file = null;
    threshold = Level.INFO;
    json = false;
    if (previous != null) {
      try {
        previous.close();
      } catch (IOException e) {
        STDERR.println("ccs: closing the log file failed: " + e.getMessage());
      }
    }
  }

  static boolean enabled(Level level) {
    return level.toInt() >= threshold.toInt();
  }

  static void message(Level level, String logger, String message, Throwable error) {
    String line;
    if (json) {
      ObjectNode node = Json.object();
      node.put("time", Instant.now().toString());
      node.put("level", level.name());
      node.put("logger", logger);
      node.put("message", message);
      if (error != null) {
        node.put("error", stackTrace(error));
      }
      line = Json.write(node);
    } else {
      line = Instant.now() + " " + String.format(Locale.ROOT, "%-5s", level.name()) + " " + logger + " - " + message
          + (error != null ? "\n" + stackTrace(error).stripTrailing() : "");
    }
    write(line);
  }

  /** One request: never its path, query, body or headers beyond what is given here. */
  static void access(String requestId, String method, String route, int status, long millis, long bytes,
      String client, String key) {
    if (file == null) {
      // Not the server's main (an application embedding ccs-httpd): its own logging binding decides.
      Logger access = LoggerFactory.getLogger("dev.ccs.httpd.access");
      if (access.isInfoEnabled()) {
        access.info("{} {} {} {} {}ms {} client={}", requestId, method, route, status, millis,
            bytes < 0 ? "-" : bytes + "B", client);
      }
      return;
    }
    if (!enabled(Level.INFO)) {
      return;
    }
    String line;
    if (json) {
      ObjectNode node = Json.object();
      node.put("time", Instant.now().toString());
      node.put("level", "INFO");
      node.put("logger", "access");
      node.put("request_id", requestId);
      node.put("method", method);
      node.put("route", route);
      node.put("status", status);
      node.put("duration_ms", millis);
      node.put("bytes", bytes);
      node.put("client", client);
      node.put("key", key);
      line = Json.write(node);
    } else {
      line = Instant.now() + " INFO  access - " + requestId + " " + method + " " + route + " " + status + " " + millis
          + "ms " + (bytes < 0 ? "-" : bytes + "B") + " client=" + client + " key=" + (key == null ? "-" : key);
    }
    write(line);
  }

  private static void write(String line) {
    LineWriter target = file;
    if (target != null) {
      target.write(line);
    } else {
      STDERR.println(line);
    }
  }

  private static String stackTrace(Throwable error) {
    StringWriter text = new StringWriter();
    error.printStackTrace(new PrintWriter(text));
    return text.toString();
  }
}
